// Correctly rounded division and square root. Vulkan lets a / b and sqrt be 2.5 ULP off (some
// drivers multiply by a reciprocal) and lets fma be an unfused multiply and add, while the CPU
// backend and ggml round both exactly. So the residual of the first estimate is computed
// exactly with Dekker's two-product (only correctly rounded float + - *, kept in order by
// `precise`), and one correction step gives the exactly rounded result.

// x = hi + lo exactly, with hi holding the upper 12 bits of the significand.
void split12(float x, out float hi, out float lo) {
    precise float c = 4097.0 * x;
    precise float h = c - (c - x);
    hi = h;
    lo = x - h;
}
// The exact rounding error e of p = round(a * b): a * b = p + e.
float two_product_error(float a, float b, float p) {
    float ah, al, bh, bl;
    split12(a, ah, al);
    split12(b, bh, bl);
    precise float e = ((ah * bh - p) + ah * bl + al * bh) + al * bl;
    return e;
}
float div_rn(float a, float b) {
    const float q = a / b;
    precise float p = q * b;
    const float e = two_product_error(q, b, p);
    precise float r = (a - p) - e; // a - q * b, exact
    precise float res = q + r / b;
    return res;
}
float sqrt_rn(float x) {
    const float s = sqrt(x);
    precise float p = s * s;
    const float e = two_product_error(s, s, p);
    precise float r = (x - p) - e;
    precise float res = s + r / (2.0 * s);
    return res;
}
// a * b + c rounded once (up to rare double-rounding ties), from the exact product error and
// an exact two-sum: GLSL's fma may be an unfused multiply and add, and the CPU backend's fused
// multiply-adds round once.
float fma_rn(float a, float b, float c) {
    precise float p = a * b;
    const float e = two_product_error(a, b, p);
    precise float s = p + c;
    precise float bb = s - p;
    precise float t = (p - (s - bb)) + (c - bb);
    precise float r = s + (t + e);
    return r;
}

// e^x rounded to float as the C library's expf does (correctly rounded up to rare ties): with
// USE_F64 (device has shaderFloat64), x = k ln2 + r in double and a degree-13 Taylor series
// for e^r, accurate to ~1e-16; otherwise the driver's exp (a few ULP).
#ifdef USE_F64
float exp_rn(float x) {
    if (x > 88.8) return uintBitsToFloat(0x7F800000u);
    if (x < -104.0) return 0.0;
    const double xd = double(x);
    const double k = floor(xd * 1.4426950408889634LF + 0.5LF);
    const double r = (xd - k * 0.6931471805599453094LF) - k * 2.319046813846299558e-17LF;
    double s = 1.0LF;
    for (int i = 13; i >= 1; --i) s = 1.0LF + s * r / double(i);
    return float(ldexp(s, int(k)));
}
#else
float exp_rn(float x) { return exp(x); }
#endif
