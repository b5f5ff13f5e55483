#!/usr/bin/env python3
# Regenerates jinja_reference_cases.json: small templates rendered by Python Jinja2 (3.1.x) set up
# as Hugging Face's apply_chat_template does (ImmutableSandboxedEnvironment, trim_blocks,
# lstrip_blocks, loopcontrols, json.dumps-based tojson, raise_exception). test_jinja compares
# Hearth's renderer against these outputs. Usage: python3 make_jinja_reference.py > jinja_reference_cases.json
import json
import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.ext import loopcontrols
from jinja2.exceptions import TemplateError


def raise_exception(m):
    raise TemplateError(m)


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception

T = [
 "{{ 1/2 }} {{ 7//2 }} {{ -7//2 }} {{ -7 % 3 }} {{ 2**10 }} {{ 1e20 }} {{ 1.5e-7 }} {{ 0.1+0.2 }} {{ 3.0 }} {{ 10/5 }}",
 "{{ [1,'a',none,true,{'k':'v'}, (1,)] }}|{{ {'a':[1.5,'x\\'y']} }}|{{ none }}|{{ true }}|{{ 'it\"s' }}",
 "{{ ['a\"b', \"c'd\", 'e\\nf'] }}",
 "{{ 'abcdef'[1:4] }}{{ 'abcdef'[::-1] }}{{ 'abcdef'[-2:] }}{{ [1,2,3,4,5][::2] }}{{ [1,2,3][-1] }}{{ 'héllo'[1:3] }}",
 "{{ '  x y  '.strip() }}|{{ 'a,b,,c'.split(',') }}|{{ ' a  b '.split() }}|{{ 'a b c'.split(' ', 1) }}|{{ 'a-b-c'.rsplit('-', 1) }}",
 "{{ 'Hello World'.lower() }}{{ 'hello world'.title() }}{{ 'hELLO'.capitalize() }}{{ 'x'.upper() }}{{ 'abc'.startswith('ab') }}{{ 'abc'.endswith(('x','c')) }}",
 "{{ 'hello world-foo (bar)'|title }}|{{ 'ABC'|lower }}|{{ '  t  '|trim }}|{{ 'xxhixx'|trim('x') }}|{{ 'abc'|replace('b','B') }}|{{ 'aaa'|replace('a','b',2) }}",
 "{{ {'b':1,'a':[1,2,{'c':'é'}]}|tojson }}|{{ {'b':1,'a':2}|tojson(indent=2) }}|{{ [1,[2,3],{}]|tojson(indent=4) }}|{{ 'x\"\\n\\t\\u0001'|tojson }}|{{ {'b':1,'a':2}|tojson(sort_keys=true) }}|{{ 1.0|tojson }}|{{ none|tojson }}",
 "{% for x in [1,2,3] %}{{ loop.index }}{{ loop.index0 }}{{ loop.first }}{{ loop.last }}{{ loop.length }}{{ loop.revindex }}{{ loop.revindex0 }}{% if not loop.last %},{% endif %}{% endfor %}",
 "{% for x in [1,2,3,4] if x is even %}{{ x }}:{{ loop.index }}/{{ loop.length }} {% else %}none{% endfor %}{% for x in [] %}{{x}}{% else %}empty{% endfor %}",
 "{% for k, v in {'a':1,'b':2}.items() %}{{k}}={{v}};{% endfor %}{% for k in {'x':1,'y':2} %}{{k}}{% endfor %}",
 "{% set x = 1 %}{% for i in [1,2] %}{% set x = x + i %}{{ x }}{% endfor %}{{ x }}",
 "{% set ns = namespace(c=0) %}{% for i in range(5) %}{% set ns.c = ns.c + i %}{% endfor %}{{ ns.c }}",
 "{% for i in range(10) %}{% if i == 2 %}{% continue %}{% endif %}{% if i == 5 %}{% break %}{% endif %}{{ i }}{% endfor %}",
 "{% macro greet(name, greeting='Hi') %}{{ greeting }}, {{ name }}!{% endmacro %}{{ greet('Bob') }} {{ greet('Al', greeting='Yo') }} {{ greet('Z', 'Hey') }}",
 "{% macro outer() %}[{{ caller() }}]{% endmacro %}{% call outer() %}inside{% endcall %}",
 "{% set s %}block {{ 1 + 1 }}{% endset %}{{ s }}|{{ s|length }}",
 "{% filter upper %}abc{{ 'd' }}{% endfilter %}",
 "{{ x is defined }}{{ x is undefined }}{{ none is none }}{{ 'a' is string }}{{ {} is mapping }}{{ [] is iterable }}{{ 1 is number }}{{ 1.5 is float }}{{ 1 is integer }}{{ true is boolean }}{{ [] is sequence }}{{ 'a' is sequence }}{{ 3 is odd }}{{ 4 is even }}{{ 9 is divisibleby 3 }}{{ 'a' is in 'abc' }}{{ 1 is eq 1 }}",
 "{{ x|default('d') }}{{ none|default('d') }}{{ ''|default('e', true) }}{{ 0|default(5, true) }}{{ x|length }}{{ x|string }}|{{ x }}|",
 "{{ [3,1,2]|sort }}{{ ['b','A','c']|sort }}{{ [3,1,2]|sort(reverse=true) }}{{ [{'n':2},{'n':1}]|sort(attribute='n') }}{{ ['a','A','b']|unique|list }}{{ [1,2,3]|sum }}{{ [3,1,2]|min }}{{ [3,1,2]|max }}",
 "{{ [1,2,3]|join(', ') }}{{ [1,2,3]|first }}{{ [1,2,3]|last }}{{ 'abc'|list }}{{ {'b':1,'a':2}|dictsort }}{{ {'a':1}|items|list }}{{ [1,2,3]|reverse|list }}{{ 'abc'|reverse }}",
 "{{ [{'r':'u','c':1},{'r':'a','c':2},{'r':'u','c':3}]|selectattr('r','equalto','u')|map(attribute='c')|list }}{{ [1,2,3,4]|select('odd')|list }}{{ [1,2,3,4]|reject('odd')|list }}{{ ['a','b']|map('upper')|list }}{{ [{'a':1},{'b':2}]|selectattr('a')|list }}{{ [{'a':1},{'b':2}]|rejectattr('a','defined')|list }}",
 "{{ 'a\\nb\\n\\nc'|indent }}|{{ 'a\\nb'|indent(2, true) }}|{{ 'a\\n\\nb'|indent(2, blank=true) }}|{{ 'x'|indent('>>', first=true) }}",
 "{{ '42'|int }}{{ '4.7'|int }}{{ 'x'|int }}{{ 3.9|int }}{{ '2.5'|float }}{{ 3|float }}{{ -3|abs }}{{ 2.567|round(2) }}{{ 2.5|round }}{{ 'abc'|center(9) }}|{{ 'a b  c'|wordcount }}",
 "{{ 'a' ~ 1 ~ none ~ [1] }}{{ 'a' + 'b' }}{{ [1] + [2] }}{{ 'ab' * 3 }}{{ 1 < 2 < 3 }}{{ 1 == 1.0 }}{{ 'b' > 'a' }}{{ [1,2] < [1,3] }}{{ 'x' in ['x'] }}{{ 'k' in {'k':1} }}{{ 'y' not in 'xyz' }}",
 "{{ 1 if true }}|{{ 1 if false }}|{{ 'a' if 0 else 'b' }}|{{ none or 'x' }}|{{ 'y' and 'z' }}|{{ 0 and 1 }}|{{ not none }}",
 "{% if a %}A{% elif b %}B{% else %}C{% endif %}",
 "  {% if true %}\n  yes\n  {% endif %}\nafter\n{# comment #}\nend  {%- if true %} x {% endif -%}  \n tail\n",
 "a\n  {{- 'b' -}}  \n c {%+ if true %}d{% endif %}\n{% raw %}{{ x }}{% endraw %}\n",
 "{{ d.get('a') }}{{ d.get('z', 'def') }}{{ d.get('z') }}{{ d['a'] }}{{ d.a }}{{ d.keys()|list }}{{ d.values()|list }}{{ d.items()|list }}{{ d|length }}",
 "{{ m.content }}|{{ m['role'] }}|{{ m.missing }}|{{ m.missing is defined }}|{{ m.tool_calls[0].function.name }}|{{ m.tool_calls[0].function.arguments|tojson }}",
 "{{ foo.bar }}",
 "{{ none.x }}|{{ (none.x) is defined }}",
 "{% for x in none %}{% endfor %}",
 "{{ 'a' + 1 }}",
 "{{ 1 + 'a' }}",
 "{{ raise_exception('bad thing') }}",
 "{{ x + 1 }}",
 "{{ x < 1 }}",
 "{% set a, b = 1, 2 %}{{ a }}{{ b }}{% set t = (1,2) %}{{ t }}{{ t|length }}",
 "{{ range(3)|list }}{{ range(1,7,2)|list }}{{ range(5,0,-2)|list }}",
 "{{ '%s-%d' % ('a', 3) }}{{ '%s' % 'x' }}{{ '{} and {}'.format('a', 1) }}",
 "{{ [1,2,3][5] }}|{{ 'abc'[10] }}|{{ {}['x'] }}",
 "{% for m in messages %}{% if m.content is string %}{{ m.content }}{% else %}{% for p in m.content %}{% if p.type == 'text' %}{{ p.text }}{% endif %}{% endfor %}{% endif %}{% endfor %}",
 "{{ messages[0].content[0] }}",
 "{{ 'x'|tojson }}{{ ['é', 'ü']|tojson }}{{ 'é'|tojson(ensure_ascii=true) }}{{ {'a':1}|tojson(separators=(',', ':')) }}",
 "{{ 5 // 0 }}",
 "{{ [1, 2, 3] | map('string') | join('-') }}{{ ['a','b']|batch(1)|list }}",
 "{% for a in [[1,2],[3]] %}{% for b in a %}{{ loop.index }}{{ b }}{% endfor %}|{{ loop.index }}{% endfor %}",
 "{{ 'A' is upper }}{{ 'a' is lower }}{{ loop is defined }}{{ range is callable }}",
 "{{ '  a\\n b  '.splitlines() }}{{ 'a.b.c'.replace('.', '/') }}{{ 'aXbXc'.split('X')|last }}{{ 'abc'.find('c') }}{{ 'abcabc'.count('b') }}{{ 'x'.join(['1','2']) }}",
 "{{ true + 1 }}{{ 1.5 + 1 }}{{ -1.5 }}{{ 1e3 }}{{ 123456789012345678 }}{{ 1.0e16 }}{{ 1/3 }}{{ 2/3*3 }}",
 "{% set x = [1,2] %}{{ x.append(3) }}",
 "{% macro r(n) %}{% if n > 0 %}{{ n }}{{ r(n-1) }}{% endif %}{% endmacro %}{{ r(5) }}",
 "{{ messages|selectattr('role','equalto','user')|list|length }}{{ messages|map(attribute='role')|join(',') }}",
 "{%- for m in messages -%}\n  {{- m.role }}\n{%- endfor %}\n",
 "{{ x.y is defined }}",
 "{{ (messages|last).content }}{{ messages[-1]['content'] }}{{ messages[1:]|length }}",
 "{{ 'abc' | length }}{{ 'héllo'|length }}{{ 'é'|upper }}{{ 'ÀB'|lower }}",
 "{{ {'a': none, 'b': true, 'c': 1.25}|tojson }}{{ [1, 'two', none]|string }}{{ {'a': 'b'}|string }}",
 "{% if 'x' in 'y' %}{% endif %}{{ '' in 'abc' }}",
 "{{ 'a' == none }}{{ none == none }}{{ x == none }}{{ x == y }}",
 "{{ '{\"a\": 1}' }}{{ 'tab\\there' }}",
 "{%- set tools = none -%}{{ tools is none }}{{ tools|tojson }}",
 "{{ 10000000000000000.0 }}{{ 0.0001 }}{{ 0.00001 }}{{ 123.456 }}{{ -0.0 }}{{ 1e-300 * 1e-300 }}",
]
ctx = {"d": {"a": 1, "b": [1,2]}, "m": {"role":"assistant","content":"hi","tool_calls":[{"type":"function","function":{"name":"f","arguments":{"x":1,"y":"é"}}}]},
       "messages":[{"role":"user","content":[{"type":"text","text":"part1"},{"type":"image"},{"type":"text","text":"part2"}]},{"role":"assistant","content":"ans"},{"role":"user","content":"last"}],
       "a": 0, "b": "yes"}

T2 = [
 "{% for m in messages %}\n    {%- if m.role == 'user' %}\n        U: {{ m.content }}\n    {%- endif %}\n{% endfor %}",
 "a {# c #} b\n  {# line comment #}\nc\n{#- strip -#}   d",
 "{% if true %}  x  {% endif %}\n{% if true -%}\n   y\n{%- endif %}",
 "\t{% set x = 1 %}\n\t{{ x }}\n",
 "{%- macro m(a) -%}\n  [{{ a }}]\n{%- endmacro -%}\n{{ m(1) }}\n{{ m(2) }}",
 "{{ 'a' }}\n{{ 'b' }}\n{% if x %}{% endif %}\nc",
 "  {%+ if true %}kept{% endif %}",
 "{% for i in range(3) %}{{ i }}{% if not loop.last %}, {% endif %}{% endfor %}\n",
 "{{- '  lead' }}   {{- 'x' -}}   {{ 'y' }}",
 "{%- set content = '  hi  ' -%}\n{{- content | trim -}}\n",
 "{{ [1,2,3]|length > 2 and 'yes' or 'no' }}",
 "{{ messages[0].content is string }}{{ messages[0].content is iterable }}{{ messages[0].content is sequence }}{{ messages[0] is mapping }}",
 "{% for m in messages %}{{ loop.previtem is defined }}{{ loop.nextitem.role if loop.nextitem is defined }};{% endfor %}",
 "{% for x in [1,2,3] %}{{ loop.cycle('a','b') }}{% endfor %}",
 "{{ 'a,b'.split(',') | join('|') }}{{ 'x' in 'xyz' and 'z' in 'xyz' }}",
 "{{ -1 // 2 }}{{ 7 % -3 }}{{ 2 ** -1 }}{{ 7.5 // 2 }}{{ -7.5 % 2 }}",
 "{{ 'abc'|first }}{{ 'abc'|last }}{{ [[1,2]]|first|last }}",
 "{{ messages | map(attribute='role') | unique | list }}{{ messages|length }}",
 "{{ (1, 2) }}{{ () }}{{ (1,) + (2,) }}{{ [] }}{{ {} }}",
 "{{ 'Ünïcödé'|upper }}{{ 'ÜNÏ'|lower }}{{ 'straße'|length }}{{ '日本語'[1] }}{{ '日本語'|reverse }}",
 "{{ tools is none }}{{ tools is defined }}{{ tools|default([]) }}",
 "{% set x %}\n  inner\n{% endset %}[{{ x }}]",
 "{{ '%05.2f|%x' % (3.14159,) if false else '%5s|%-5s|' % ('a','b') }}",
 "{{ dict(a=1, b=2) }}{{ namespace(a=1).a }}",
 "{% set ns = namespace(items=[]) %}{% for i in range(3) %}{% set ns.items = ns.items + [i] %}{% endfor %}{{ ns.items }}",
 "{{ 1 == true }}{{ 0 == false }}{{ 1 is sameas true }}{{ none is sameas none }}",
 "{{ 'x'.ljust(3) }}|{{ 'x'.rjust(3, '-') }}|{{ 'x'.center(4, '*') }}|{{ '5'.zfill(3) }}",
 "{{ '  a b  '.lstrip() }}|{{ '  a b  '.rstrip() }}|{{ 'xxaxx'.strip('x') }}|{{ 'a\\tb'.split() }}",
 "{{ messages[0]['content'][0]['text'] ~ '!' }}",
 "{{ [1,2,3] | select('gt', 1) | list }}{{ [1,2,3] | reject('eq', 2) | list }}{{ ['a','bb']|selectattr('0','eq','b')|list }}",
 "{{ 'a' 'b' }}{{ \"c\" 'd' }}",
 "{{ 3 is divisibleby(3) }}{{ 2 is in([1,2]) }}{{ x is not defined }}",
 "{% for a, b in [(1,2),(3,4)] %}{{ a + b }}{% endfor %}{% for a, b in [[1,2]] %}{{ a }}{{ b }}{% endfor %}",
 "{{ [{'a':{'b':1}},{'a':{'b':2}}] | map(attribute='a.b') | list }}{{ [{'a':[5]}] | map(attribute='a.0') | list }}",
 "{{ 10|string + 'x' }}{{ 1.5|string }}{{ true|string|lower }}{{ none|string }}",
 "{% if 0 %}a{% elif '' %}b{% elif [] %}c{% elif {} %}d{% elif 0.0 %}e{% else %}f{% endif %}",
 "{{ [3,1]|sort|first }}{{ {'b':2,'a':1}|dictsort|first }}{{ {'b':2,'a':1}|dictsort(by='value', reverse=true) }}",
 "{{ 'Hello'|replace('l', '') }}{{ 'aaa'.replace('a', 'b', 1) }}{{ 'abc'.replace('', '-') }}",
 "{{ messages|tojson }}",
 "{{ {'x': [1, {'y': none}], 'z': 'q'}|tojson(indent=2, sort_keys=true) }}",
 "{{ 1e100 }}{{ 123456789.123 }}{{ 1/7 }}{{ 100.0 }}{{ 1.23e-10 }}{{ 5e-324 }}",
 "{{ 9007199254740993 }}{{ 2**62 }}{{ -2**3 }}{{ (-2)**2 }}",
 "{{ 'a' < 'b' }}{{ 'B' < 'a' }}{{ [1] == [1.0] }}{{ {'a':1} == {'a':1} }}{{ (1,2) == [1,2] }}",
 "{% set a = [1,2,3] %}{{ a[1:] }}{{ a[:-1] }}{{ a[::-1] }}{{ a[5:] }}{{ a[-10:2] }}",
 "{{ x|default }}|{{ x|d('y') }}|{{ ''|d('z') }}",
 "{% raw %}{% if %}{{ }}{% endraw %}",
 "{{ 'multi\nline' }}",
 "{{ loop }}",
 "{% for x in 'ab' %}{{ x }}{% endfor %}{% for k in {} %}{% else %}E{% endfor %}",
 "{{ [1,2,3]|batch(2)|list }}{{ [1,2,3]|batch(2, 0)|list }}",
 "{{ '<a href=\"x\">t</a>'|striptags }}{{ '<&>'|e }}{{ '\"'|escape }}",
 "{{ 12|filesizeformat if false else 'n' }}",
 "{{ x.y }}",
 "{{ messages[10].content }}",
 "{{ messages['a'] }}|",
 "{% for m in messages if m.role != 'system' %}{{ loop.index }}{{ loop.length }}{% endfor %}",
 "{{ 1 < 'a' }}",
 "{{ [1,2] + 'a' }}",
 "{{ none + 1 }}",
 "{{ {}|first }}|{{ []|first }}|{{ []|last }}",
 "{{ (messages | selectattr('role', 'equalto', 'user') | list)[0].role }}",
 "{% set x = {'a': 1} %}{% for k, v in x|items %}{{ k }}{{ v }}{% endfor %}",
 "{{ 'abc'.startswith('bc', 1) if false else 'abc'.find('z') }}",
 "{% if []|select('odd') %}generators are truthy{% endif %}{{ [1,2]|map('string')|list|length }}",
 "{{ [1,2]|map('string')|length }}",
 "{{ [1]|selectattr('x')|tojson }}",
 "{{ [1,2]|map('string')|last }}",
 "{{ 'a'|safe + '<b>' }}|{{ '<b>' + 'a'|safe }}|{{ '%s&'|safe % '<x>' }}|{{ 'a'|safe ~ '<b>' }}|{{ '<i>'|e }}",
]
ctx2 = {"messages":[{"role":"user","content":[{"type":"text","text":"part1"}]},{"role":"assistant","content":"ans"},{"role":"system","content":"s"}], "tools": None}

# Not mirrored on purpose: repr() of bound methods, \N{...} escapes, truncate()'s assertion.


def render_all(templates, context):
    cases = []
    for t in templates:
        try:
            cases.append({"template": t, "ok": True, "output": env.from_string(t).render(**context)})
        except Exception as e:  # the error type and message Jinja2 raised
            cases.append({"template": t, "ok": False, "output": type(e).__name__ + ": " + str(e)})
    return {"context": context, "cases": cases}


print(json.dumps({"generator": "Python Jinja2 " + jinja2.__version__,
                  "groups": [render_all(T, ctx), render_all(T2, ctx2)]}, ensure_ascii=False, indent=1))
