// Without libFuzzer (g++ builds): replays every file given on the command line, or every file in
// a directory given, through the target's LLVMFuzzerTestOneInput. Exits 0 when all ran.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

int main(int argc, char** argv) {
    std::size_t runs = 0;
    for (int a = 1; a < argc; ++a) {
        std::vector<std::filesystem::path> files;
        if (std::filesystem::is_directory(argv[a])) {
            for (const auto& e : std::filesystem::directory_iterator(argv[a]))
                if (e.is_regular_file()) files.push_back(e.path());
        } else {
            files.emplace_back(argv[a]);
        }
        for (const auto& p : files) {
            std::ifstream f(p, std::ios::binary);
            if (!f) {
                std::printf("cannot read %s\n", p.string().c_str());
                return 2;
            }
            std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
            LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
            // also every prefix, cheaply, for a little more coverage than the corpus alone
            for (std::size_t n = 0; n < bytes.size() && n < 512; n += 7) LLVMFuzzerTestOneInput(bytes.data(), n);
            ++runs;
        }
    }
    std::printf("replayed %zu corpus file(s)\n", runs);
    return runs > 0 ? 0 : 1;
}
