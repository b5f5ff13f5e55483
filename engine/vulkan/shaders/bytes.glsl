// Byte-level reads from the weight buffer (binding 0). Blocks of ggml types are not 4-byte
// aligned (Q4_0 is 18 bytes). With SMALL_STORAGE (the device has storageBuffer8BitAccess and
// storageBuffer16BitAccess) the binding is also declared as uint8_t / uint16_t arrays and read
// directly; otherwise everything is read from 32-bit words, which every Vulkan 1.2 device can
// do. Both give the same values bit for bit.
layout(binding = 0) readonly buffer W { uint w_data[]; };
#ifdef SMALL_STORAGE
#extension GL_EXT_shader_8bit_storage : require
#extension GL_EXT_shader_16bit_storage : require
layout(binding = 0) readonly buffer W8 { uint8_t w8[]; };
layout(binding = 0) readonly buffer W16 { uint16_t w16[]; };
uint w_u8(uint off) { return uint(w8[off]); }
// off must be even (true for every half/u16 field of every ggml block).
uint w_u16(uint off) { return uint(w16[off >> 1]); }
#else
uint w_u8(uint off) { return (w_data[off >> 2] >> ((off & 3u) * 8u)) & 0xFFu; }
// off must be even (true for every half/u16 field of every ggml block).
uint w_u16(uint off) { return (w_data[off >> 2] >> ((off & 2u) * 8u)) & 0xFFFFu; }
#endif
uint w_u32(uint off) { return w_u16(off) | (w_u16(off + 2u) << 16); }
float w_f16(uint off) { return unpackHalf2x16(w_u16(off)).x; }
int sext8(uint b) { return int(b << 24) >> 24; }
