// mote-serve: the cloud end of split computing (docs/cloud.md). A worker subscribes to the
// uplink partitions it owns on an MQTT broker, reassembles each device's frames, runs the tail
// of the KWS model for the frame's cut and publishes one result (or a missing / rejected
// report) per frame, and retransmission requests for the fragments a frame lacks. Its journal
// (journal.hpp) makes a killed worker resume where it was.
//
//   mote-serve --broker HOST:PORT [--worker W --workers N] [--partitions K] [--keys FILE]
//              [--state DIR] [--max-devices M] [--timeout-ms T] [--nack-after-ms A] [--max-requests R]
//              [--compact-bytes B]
//   mote-serve --demo [--devices N] [--seconds S]     loopback broker + 2 workers + fleet simulator
//   mote-serve --broker-config PORT DIR               the demo's Mosquitto configuration (tests/cloud/load)
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <filesystem>
#include <string>
#include <unordered_map>

#include "kws_dscnn_int8.hpp"
#include "mqtt_client.hpp"
#include "processes.hpp"
#include "state_store.hpp"
#include "worker.hpp"

namespace {

using namespace mote_serve;
using Kws = ServedModel<kws_dscnn_int8::Model, 0, 1, 10>;
constexpr std::uint32_t kws_model_id = model_id_of(kws_dscnn_int8::model_sha256);

volatile sig_atomic_t stopping = 0;

std::uint32_t now_ms() {
    using namespace std::chrono;
    // steady_clock is CLOCK_MONOTONIC: the same clock in a restarted process (journal times)
    return static_cast<std::uint32_t>(duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count());
}

int usage() {
    std::fprintf(stderr,
                 "usage: mote-serve --broker HOST:PORT [--worker W --workers N] [--partitions K] [--keys FILE]\n"
                 "                  [--state DIR] [--max-devices M] [--timeout-ms T] [--nack-after-ms A] [--max-requests R]\n"
                 "                  [--compact-bytes B]\n"
                 "       mote-serve --demo [--devices N] [--seconds S]\n"
                 "       mote-serve --broker-config PORT DIR\n");
    return 2;
}

int run_worker(const std::string& host, int port, const WorkerConfig& config, const std::string& keys_path,
               const std::string& state_dir, std::uint64_t compact_bytes) {
    KeyTable keys;
    if (!keys_path.empty()) {
        std::string error;
        auto k = read_keys(keys_path, error);
        if (!k) return std::fprintf(stderr, "mote-serve: %s\n", error.c_str()), 2;
        keys = std::move(*k);
    }
    Worker<Kws> worker{config, keys, kws_model_id};
    const std::string name = "mote-serve-" + std::to_string(config.worker) + "-of-" + std::to_string(config.workers);
    StateStore<Worker<Kws>> store{state_dir, name, worker};
    std::deque<std::uint64_t> outbox;   // outputs to publish, by index
    worker.publish = [&](std::uint64_t index, const std::string& topic, const std::string& payload) {
        store.unacknowledged[index] = {topic, payload};
        outbox.push_back(index);
    };
    if (const std::string error = store.load(); !error.empty())
        return std::fprintf(stderr, "mote-serve: %s\n", error.c_str()), 1;
    outbox.clear();   // everything not acknowledged, in order: the snapshot's outputs and the replay's
    for (const auto& [index, output] : store.unacknowledged) outbox.push_back(index);

    MqttClient mqtt{name, /*persistent_session*/ true};
    if (!mqtt.valid()) return std::fprintf(stderr, "mote-serve: libmosquitto failed\n"), 1;
    std::unordered_map<int, std::uint64_t> in_flight;   // message id -> output index
    mqtt.on_connect = [&] {
        for (unsigned k = config.worker; k < config.partitions; k += config.workers)
            mqtt.subscribe("mote/up/" + std::to_string(k) + "/+/+", 1);
        // after the subscriptions on the same connection: whoever sees it knows they are in place
        const std::string up = "subscribed";
        mqtt.publish("mote/worker/" + name, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(up.data()), up.size()), 1, true);
    };
    mqtt.on_message = [&](const mosquitto_message& m) {
        const std::uint32_t t = now_ms();
        const std::span<const std::uint8_t> payload(static_cast<const std::uint8_t*>(m.payload),
                                                    static_cast<std::size_t>(m.payloadlen));
        if (!store.journal().uplink(t, m.topic, payload)) return;   // too large to journal: not taken
        worker.uplink(t, m.topic, payload);
    };
    mqtt.on_acknowledged = [&](int mid) {
        if (auto it = in_flight.find(mid); it != in_flight.end()) {
            store.acknowledged(it->second);
            in_flight.erase(it);
        }
    };
    if (!mqtt.connect(host, port, std::chrono::seconds(10)))
        return std::fprintf(stderr, "mote-serve: cannot reach the broker at %s:%d\n", host.c_str(), port), 1;
    std::fprintf(stderr, "mote-serve %s: partitions k %% %u == %u of %u, %zu keys, snapshot generation %llu, "
                 "journal %ld records replayed, %zu B per device\n", name.c_str(), config.workers, config.worker,
                 config.partitions, keys.size(), static_cast<unsigned long long>(store.generation()), store.replayed(),
                 Worker<Kws>::bytes_per_device());

    std::uint32_t last_tick = now_ms();
    std::uint64_t compact_at = compact_bytes;
    while (!stopping) {
        mqtt.loop(10);
        if (now_ms() - last_tick >= 100) {
            last_tick = now_ms();
            if (worker.tick(last_tick)) store.journal().tick(last_tick);
            // compacting once the journal outgrows the last snapshot too bounds the disk traffic
            // of snapshots by the journal's
            if (store.journal().bytes() >= std::max(compact_at, store.snapshot_bytes())) {
                if (store.compact()) {
                    compact_at = compact_bytes;
                } else {
                    compact_at = store.journal().bytes() + compact_bytes;
                    std::fprintf(stderr, "mote-serve %s: cannot write a snapshot in %s; the journal keeps growing\n",
                                 name.c_str(), state_dir.c_str());
                }
            }
        }
        while (mqtt.connected() && !outbox.empty()) {
            const auto& o = store.unacknowledged.at(outbox.front());
            const int mid = mqtt.publish(o.topic, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(o.payload.data()), o.payload.size()), 1);
            if (mid < 0) break;
            in_flight[mid] = outbox.front();
            outbox.pop_front();
        }
    }
    // let the last acknowledgements in
    for (int i = 0; i < 50 && (!in_flight.empty() || !outbox.empty()); ++i) mqtt.loop(10);
    std::string line;
    for (const auto& [k, v] : worker.counters()) line += " " + k + "=" + std::to_string(v);
    std::fprintf(stderr, "mote-serve %s: devices=%zu evictions=%zu snapshot_generation=%llu%s\n", name.c_str(),
                 worker.devices(), worker.evictions(), static_cast<unsigned long long>(store.generation()), line.c_str());
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
                                               std::to_string(seconds), "--keys", keys, "--show", "5", "--workers", "2"}));
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
    WorkerConfig config;
    bool demo = false;
    int devices = 200, seconds = 10;
    std::uint64_t compact_bytes = std::uint64_t{256} << 20;
    for (int a = 1; a < argc && std::string(argv[1]) != "--broker-config"; ++a) {
        const std::string s = argv[a];
        const bool has = a + 1 < argc;
        if (s == "--demo") demo = true;
        else if (s == "--broker" && has) broker = argv[++a];
        else if (s == "--worker" && has) config.worker = static_cast<unsigned>(std::atoi(argv[++a]));
        else if (s == "--workers" && has) config.workers = static_cast<unsigned>(std::atoi(argv[++a]));
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
    if (colon == std::string::npos || config.workers == 0 || config.worker >= config.workers ||
        config.partitions == 0 || config.partitions > max_partitions || config.max_devices == 0)
        return usage();
    struct sigaction sa{};
    sa.sa_handler = [](int) { stopping = 1; };
    sigaction(SIGTERM, &sa, nullptr);
    sigaction(SIGINT, &sa, nullptr);
    return run_worker(broker.substr(0, colon), std::atoi(broker.c_str() + colon + 1), config, keys, state, compact_bytes);
}
