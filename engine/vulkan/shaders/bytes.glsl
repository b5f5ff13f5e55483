// Byte-level reads from a weight buffer declared as `uint w_data[]`. Blocks of ggml types are
// not 4-byte aligned (Q4_0 is 18 bytes), so everything is read from 32-bit words; this needs no
// 8/16-bit storage feature and works on every Vulkan 1.2 device.
uint w_u8(uint off) { return (w_data[off >> 2] >> ((off & 3u) * 8u)) & 0xFFu; }
// off must be even (true for every half/u16 field of every ggml block).
uint w_u16(uint off) { return (w_data[off >> 2] >> ((off & 2u) * 8u)) & 0xFFFFu; }
uint w_u32(uint off) { return w_u16(off) | (w_u16(off + 2u) << 16); }
float w_f16(uint off) { return unpackHalf2x16(w_u16(off)).x; }
int sext8(uint b) { return int(b << 24) >> 24; }
