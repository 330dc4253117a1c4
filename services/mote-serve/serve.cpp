// mote-serve: the cloud end of split computing (docs/cloud.md). A worker serves the uplink
// partitions it owns on an MQTT broker (partition_session.hpp: one broker session and one set of
// state files per partition): it reassembles each device's frames, runs the tail of the KWS
// model for the frame's cut and publishes one result (or a missing / rejected report) per
// frame, and retransmission requests for the fragments a frame lacks. A killed worker resumes
// where it was; any number of workers can take over the partitions of any other number.
//
//   mote-serve --broker HOST:PORT [--worker W --workers N] [--partitions K] [--keys FILE]
//              [--state DIR] [--max-devices M] [--timeout-ms T] [--nack-after-ms A] [--max-requests R]
//              [--compact-bytes B]        (--max-devices is per partition)
//   mote-serve --demo [--devices N] [--seconds S]     loopback broker + 2 workers + fleet simulator
//   mote-serve --broker-config PORT DIR               the demo's Mosquitto configuration (tests/cloud/load)
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kws_dscnn_int8.hpp"
#include "partition_session.hpp"
#include "processes.hpp"

namespace {

using namespace mote_serve;
using Kws = ServedModel<kws_dscnn_int8::Model, 0, 1, 10>;
constexpr std::uint32_t kws_model_id = model_id_of(kws_dscnn_int8::model_sha256);

using Session = PartitionSession<Kws>;

volatile sig_atomic_t stopping = 0;

int usage() {
    std::fprintf(stderr,
                 "usage: mote-serve --broker HOST:PORT [--worker W --workers N] [--partitions K] [--keys FILE]\n"
                 "                  [--state DIR] [--max-devices M] [--timeout-ms T] [--nack-after-ms A] [--max-requests R]\n"
                 "                  [--compact-bytes B]\n"
                 "       mote-serve --demo [--devices N] [--seconds S]\n"
                 "       mote-serve --broker-config PORT DIR\n");
    return 2;
}

// Serves the partitions k ≡ worker (mod workers) of K, one broker session each, until SIGTERM.
int run_worker(const std::string& host, int port, unsigned worker, unsigned workers, const PartitionConfig& config,
               const std::string& keys_path, const std::string& state_dir, std::uint64_t compact_bytes) {
    KeyTable keys;
    if (!keys_path.empty()) {
        std::string error;
        auto k = read_keys(keys_path, error);
        if (!k) return std::fprintf(stderr, "mote-serve: %s\n", error.c_str()), 2;
        keys = std::move(*k);
    }
    const std::string name = "worker " + std::to_string(worker) + " of " + std::to_string(workers);
    std::vector<std::unique_ptr<Session>> sessions;
    std::string owned;
    std::uint64_t generations = 0;
    long replayed = 0;
    for (unsigned k = worker; k < config.partitions; k += workers) {
        PartitionConfig c = config;
        c.partition = k;
        auto& s = *sessions.emplace_back(std::make_unique<Session>(c, keys, kws_model_id, state_dir, compact_bytes));
        if (const std::string error = s.load(); !error.empty())
            return std::fprintf(stderr, "mote-serve %s: %s\n", name.c_str(), error.c_str()), 1;
        if (!s.connect(host, port))
            return std::fprintf(stderr, "mote-serve: cannot reach the broker at %s:%d\n", host.c_str(), port), 1;
        owned += " " + std::to_string(k);
        generations += s.store().generation();
        replayed += s.store().replayed();
    }
    std::fprintf(stderr, "mote-serve %s: partitions%s of %u, %zu keys, restored from snapshot generations %llu + "
                 "journal %ld records replayed, %zu B per device\n", name.c_str(), owned.c_str(), config.partitions,
                 keys.size(), static_cast<unsigned long long>(generations), replayed, Partition<Kws>::bytes_per_device());

    std::vector<pollfd> fds(sessions.size());
    std::uint32_t last_tick = Session::now_ms();
    const auto poll_and_loop = [&](int timeout_ms) {
        for (std::size_t i = 0; i < sessions.size(); ++i)
            fds[i] = {sessions[i]->socket(), static_cast<short>(POLLIN | (sessions[i]->wants_write() ? POLLOUT : 0)), 0};
        ::poll(fds.data(), fds.size(), timeout_ms);
        for (auto& s : sessions) s->loop();
    };
    while (!stopping) {
        poll_and_loop(10);
        if (Session::now_ms() - last_tick >= 100) {
            last_tick = Session::now_ms();
            for (auto& s : sessions) s->tick(last_tick);
        }
    }
    // let the last acknowledgements in
    for (int i = 0; i < 50 && !std::all_of(sessions.begin(), sessions.end(), [](const auto& s) { return s->settled(); }); ++i)
        poll_and_loop(10);
    std::map<std::string, std::uint64_t> counters;
    std::size_t devices = 0, evictions = 0;
    for (const auto& s : sessions) {
        for (const auto& [k, v] : s->partition().counters()) counters[k] += v;
        devices += s->partition().devices();
        evictions += s->partition().evictions();
        counters["snapshot_generations"] += s->store().generation();
    }
    std::string line;
    for (const auto& [k, v] : counters) line += " " + k + "=" + std::to_string(v);
    std::fprintf(stderr, "mote-serve %s: devices=%zu evictions=%zu%s\n", name.c_str(), devices, evictions, line.c_str());
    return 0;
}

std::string self_dir() {
    char buf[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
    if (n <= 0) return ".";
    std::string s(buf, static_cast<std::size_t>(n));
    return s.substr(0, s.rfind('/'));
}

// A loopback broker, two workers and the fleet simulator, for `seconds`.
int run_demo(int devices, int seconds) {
    const char* broker = access("/usr/sbin/mosquitto", X_OK) == 0 ? "/usr/sbin/mosquitto" : "mosquitto";
    char dir_template[] = "/tmp/mote-serve-demo.XXXXXX";
    const char* dir = mkdtemp(dir_template);
    const int port = free_loopback_port();
    if (dir == nullptr || port == 0) return std::fprintf(stderr, "mote-serve --demo: no temp dir or port\n"), 1;
    const std::string conf = std::string(dir) + "/mosquitto.conf";
    if (std::FILE* f = std::fopen(conf.c_str(), "w")) {
        std::fputs(mosquitto_config(port, dir).c_str(), f);
        std::fclose(f);
    }
    const pid_t b = spawn({broker, "-c", conf});
    if (b < 0) return std::fprintf(stderr, "mote-serve --demo: cannot start mosquitto (apt install mosquitto)\n"), 1;
    const std::string self = self_dir() + "/mote-serve", fleet = self_dir() + "/mote-fleet";
    const std::string at = "127.0.0.1:" + std::to_string(port);
    std::fprintf(stderr, "demo: mosquitto on %s, 2 workers, %d devices for %d s\n", at.c_str(), devices, seconds);
    const std::string keys = std::string(dir) + "/keys";
    const int made = wait_for(spawn({fleet, "--make-keys", keys, "--devices", std::to_string(devices)}));
    pid_t w[2];
    for (int i = 0; i < 2; ++i)
        w[i] = spawn({self, "--broker", at, "--worker", std::to_string(i), "--workers", "2", "--keys", keys, "--state", dir,
                      "--timeout-ms", "1000", "--nack-after-ms", "250"});
    const int rc = made != 0 ? made
                             : wait_for(spawn({fleet, "--broker", at, "--devices", std::to_string(devices), "--seconds",
                                               std::to_string(seconds), "--keys", keys, "--show", "5"}));
    for (pid_t p : w) stop(p);
    stop(b);
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
    std::fprintf(stderr, "demo: %s\n", rc == 0 ? "OK" : "FAILED");
    return rc;
}

}  // namespace

int main(int argc, char** argv) {
    std::string broker, keys, state = ".";
    PartitionConfig config;
    unsigned worker = 0, workers = 1;
    bool demo = false;
    int devices = 200, seconds = 10;
    std::uint64_t compact_bytes = std::uint64_t{256} << 20;
    for (int a = 1; a < argc && std::string(argv[1]) != "--broker-config"; ++a) {
        const std::string s = argv[a];
        const bool has = a + 1 < argc;
        if (s == "--demo") demo = true;
        else if (s == "--broker" && has) broker = argv[++a];
        else if (s == "--worker" && has) worker = static_cast<unsigned>(std::atoi(argv[++a]));
        else if (s == "--workers" && has) workers = static_cast<unsigned>(std::atoi(argv[++a]));
        else if (s == "--partitions" && has) config.partitions = static_cast<unsigned>(std::atoi(argv[++a]));
        else if (s == "--keys" && has) keys = argv[++a];
        else if (s == "--state" && has) state = argv[++a];
        else if (s == "--max-devices" && has) config.max_devices = static_cast<std::size_t>(std::atol(argv[++a]));
        else if (s == "--timeout-ms" && has) config.timeout_ms = static_cast<std::uint32_t>(std::atol(argv[++a]));
        else if (s == "--nack-after-ms" && has) config.nack_after_ms = static_cast<std::uint32_t>(std::atol(argv[++a]));
        else if (s == "--compact-bytes" && has) compact_bytes = std::strtoull(argv[++a], nullptr, 10);
        else if (s == "--max-requests" && has) config.max_requests = static_cast<std::uint8_t>(std::atoi(argv[++a]));
        else if (s == "--devices" && has) devices = std::atoi(argv[++a]);
        else if (s == "--seconds" && has) seconds = std::atoi(argv[++a]);
        else return usage();
    }
    if (demo) return run_demo(devices, seconds);
    if (argc == 4 && std::string(argv[1]) == "--broker-config")
        return std::fputs(mosquitto_config(std::atoi(argv[2]), argv[3]).c_str(), stdout) < 0;
    const auto colon = broker.rfind(':');
    if (colon == std::string::npos || workers == 0 || worker >= workers || workers > config.partitions ||
        config.partitions == 0 || config.partitions > max_partitions || config.max_devices == 0)
        return usage();
    struct sigaction sa{};
    sa.sa_handler = [](int) { stopping = 1; };
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    return run_worker(broker.substr(0, colon), std::atoi(broker.c_str() + colon + 1), worker, workers, config, keys, state,
                      compact_bytes);
}
