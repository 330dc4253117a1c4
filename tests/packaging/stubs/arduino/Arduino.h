#pragma once
// STUB for tests/packaging only, not an Arduino core: the declarations the example sketch uses,
// with the signatures of the Arduino API (Print, HardwareSerial, delay). Like the real Arduino.h
// it brings <stdint.h>. Nothing here is defined: the check compiles, it does not link.
#include <stddef.h>
#include <stdint.h>

class StubSerial {  // the real one is a HardwareSerial or a USB CDC class, both a Print
public:
    void begin(unsigned long baud);
    size_t print(const char text[]);
    size_t print(char c);
    size_t print(unsigned char n, int base = 10);
    size_t print(int n, int base = 10);
    size_t print(unsigned int n, int base = 10);
    size_t print(long n, int base = 10);
    size_t print(unsigned long n, int base = 10);
    size_t print(double x, int digits = 2);
    size_t println(const char text[]);
    size_t println(int n, int base = 10);
    size_t println();
    explicit operator bool();
};
extern StubSerial Serial;

void delay(unsigned long ms);
