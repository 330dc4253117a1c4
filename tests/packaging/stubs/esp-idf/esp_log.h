#pragma once
// STUB for tests/packaging only, not ESP-IDF: ESP_LOGI writing the line the real one writes
// ("I (<ms>) <tag>: <message>"), to stdout, so the example runs on the host.
#include <stdio.h>

#define ESP_LOGI(tag, format, ...) printf("I (0) %s: " format "\n", tag, ##__VA_ARGS__)
