// STUB for tests/packaging only: ESP-IDF calls app_main() from its startup task; on the host,
// main() does.
extern "C" void app_main(void);

int main() {
    app_main();
    return 0;
}
