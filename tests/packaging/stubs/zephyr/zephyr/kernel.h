#pragma once
// STUB for tests/packaging only, not Zephyr: printk as <zephyr/sys/printk.h> declares it (C
// linkage, printf-like format checking). The check compiles, it does not link.
#ifdef __cplusplus
extern "C" {
#endif
__attribute__((format(printf, 1, 2))) void printk(const char* fmt, ...);
#ifdef __cplusplus
}
#endif
