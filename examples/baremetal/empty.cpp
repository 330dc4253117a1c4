// The empty firmware: vectors, startup, fault report and semihosting exit only. bench/run
// subtracts its size from a model firmware's ("model code = image - weights - empty").
int main() { return 0; }
