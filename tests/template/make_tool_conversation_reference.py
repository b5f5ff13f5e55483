#!/usr/bin/env python3
# Regenerates tool_conversation_reference.json: every template in shared/conformance/templates
# rendered by Python Jinja2 (3.1.x, set up like Hugging Face's apply_chat_template) over three
# richer conversations than the goldens have (tools, tool calls, tool results, multi-part
# content, reasoning). Usage: python3 make_tool_conversation_reference.py SHARED_DIR > tool_conversation_reference.json
import sys
import json, glob, os, datetime
import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.ext import loopcontrols, Extension
from jinja2.exceptions import TemplateError
from jinja2 import nodes
class Gen(Extension):
    tags = {"generation"}
    def parse(self, parser):
        lineno = next(parser.stream).lineno
        body = parser.parse_statements(["name:endgeneration"], drop_needle=True)
        return nodes.CallBlock(self.call_method("_r"), [], [], body).set_lineno(lineno)
    def _r(self, caller): return caller()
def raise_exception(m): raise TemplateError(m)
def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)
def strftime_now(f): return datetime.datetime(2024,7,26).strftime(f)
env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[loopcontrols, Gen])
env.filters['tojson'] = tojson
env.globals['raise_exception'] = raise_exception
env.globals['strftime_now'] = strftime_now
tools = [{"type":"function","function":{"name":"get_weather","description":"Get the weather","parameters":{"type":"object","properties":{"city":{"type":"string","description":"City name"},"unit":{"type":"string","enum":["c","f"]}},"required":["city"]}}}]
convs = [
 {"messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Weather in Paris?"},
   {"role":"assistant","content":"","tool_calls":[{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":{"city":"Paris","unit":"c"}}}]},
   {"role":"tool","tool_call_id":"call_1","name":"get_weather","content":"{\"temp\": 21}"},
   {"role":"assistant","content":"It is 21°C in Paris."},{"role":"user","content":"Thanks! Ünïcode ✓ \"quotes\" <tags>"}],
  "tools": tools, "add_generation_prompt": True},
 {"messages":[{"role":"user","content":[{"type":"text","text":"Describe"},{"type":"text","text":" this."}]}], "tools": None, "add_generation_prompt": True},
 {"messages":[{"role":"user","content":"Hi"},{"role":"assistant","content":"<think>hmm</think>Hello!","reasoning_content":"hmm"},{"role":"user","content":"Again"}], "tools": tools, "add_generation_prompt": False},
]
out = []
d = os.path.join(sys.argv[1], 'conformance', 'templates') + '/'
for f in sorted(glob.glob(d + '*.jinja')):
    name = os.path.basename(f)[:-6]
    src = open(f).read()
    gold = json.load(open(d + 'expected/' + name + '.json'))
    bos = gold['cases'][0]['inputs']['bos_token']; eos = gold['cases'][0]['inputs']['eos_token']
    for i, c in enumerate(convs):
        ctx = dict(c); ctx['bos_token'] = bos; ctx['eos_token'] = eos
        try:
            r = {'ok': True, 'out': env.from_string(src).render(**ctx)}
        except Exception as e:
            r = {'ok': False, 'out': type(e).__name__ + ': ' + str(e)}
        out.append({'template': name, 'conversation': i, 'bos_token': bos, 'eos_token': eos, **r})
print(json.dumps({'generator': 'Python Jinja2 ' + jinja2.__version__, 'strftime_date': '2024-07-26',
                  'conversations': convs, 'renderings': out}, ensure_ascii=False, indent=0))
