#pragma once
// A thin RAII wrapper around libmosquitto for mote-serve and the fleet simulator: one
// connection, MQTT 3.1.1, driven by the caller's thread (loop()), reconnecting by itself.
// A persistent session (clean_session false, fixed client id) keeps the broker queueing QoS 1
// messages for the client while it is away.
#include <mosquitto.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <thread>

namespace mote_serve {

class MqttClient {
public:
    std::function<void()> on_connect;   // (re)connected: subscribe here
    std::function<void(const mosquitto_message&)> on_message;
    std::function<void(int mid)> on_acknowledged;   // the broker acknowledged our QoS 1 publish

    MqttClient(const std::string& client_id, bool persistent_session) {
        mosquitto_lib_init();
        mosq_ = mosquitto_new(client_id.c_str(), !persistent_session, this);
        if (mosq_ == nullptr) return;
        mosquitto_max_inflight_messages_set(mosq_, 0);   // unlimited: loopback, throughput
        mosquitto_int_option(mosq_, MOSQ_OPT_TCP_NODELAY, 1);
        mosquitto_connect_callback_set(mosq_, [](mosquitto*, void* self, int rc) {
            auto& c = *static_cast<MqttClient*>(self);
            c.connected_ = rc == 0;
            if (c.connected_ && c.on_connect) c.on_connect();
        });
        mosquitto_disconnect_callback_set(mosq_, [](mosquitto*, void* self, int) {
            static_cast<MqttClient*>(self)->connected_ = false;
        });
        mosquitto_message_callback_set(mosq_, [](mosquitto*, void* self, const mosquitto_message* m) {
            auto& c = *static_cast<MqttClient*>(self);
            if (c.on_message) c.on_message(*m);
        });
        mosquitto_publish_callback_set(mosq_, [](mosquitto*, void* self, int mid) {
            auto& c = *static_cast<MqttClient*>(self);
            if (c.on_acknowledged) c.on_acknowledged(mid);
        });
    }
    MqttClient(const MqttClient&) = delete;
    MqttClient& operator=(const MqttClient&) = delete;
    ~MqttClient() {
        if (mosq_ != nullptr) {
            mosquitto_disconnect(mosq_);
            mosquitto_destroy(mosq_);
        }
        mosquitto_lib_cleanup();
    }

    bool valid() const { return mosq_ != nullptr; }
    // The connection's socket (-1 when there is none), for a caller that polls several clients.
    int socket() const { return mosquitto_socket(mosq_); }
    bool wants_write() const { return mosquitto_want_write(mosq_); }
    bool connected() const { return connected_; }

    // Connects (TCP; loop() then completes the MQTT handshake and reconnects after a loss),
    // trying for up to `patience`.
    bool connect(const std::string& host, int port, std::chrono::milliseconds patience) {
        const auto until = std::chrono::steady_clock::now() + patience;
        while (mosquitto_connect(mosq_, host.c_str(), port, 30) != MOSQ_ERR_SUCCESS) {
            if (std::chrono::steady_clock::now() > until) return false;
            std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
        return true;
    }

    bool subscribe(const std::string& pattern, int qos) {
        return mosquitto_subscribe(mosq_, nullptr, pattern.c_str(), qos) == MOSQ_ERR_SUCCESS;
    }

    // The message id (for on_acknowledged), or -1 when libmosquitto refused it. Disconnected (or
    // losing the connection while writing), libmosquitto 2.0 reports an error but keeps a QoS > 0
    // message and sends it after reconnecting (tried): that message is queued, not refused.
    int publish(const std::string& topic, std::span<const std::uint8_t> payload, int qos, bool retain = false) {
        int mid = 0;
        const int rc = mosquitto_publish(mosq_, &mid, topic.c_str(), static_cast<int>(payload.size()), payload.data(),
                                         qos, retain);
        const bool queued = qos > 0 && mid != 0 &&
                            (rc == MOSQ_ERR_NO_CONN || rc == MOSQ_ERR_CONN_LOST || rc == MOSQ_ERR_ERRNO);
        return rc == MOSQ_ERR_SUCCESS || queued ? mid : -1;
    }

    // Network I/O for up to timeout_ms; after a lost connection, a reconnection attempt at most
    // every 200 ms.
    void loop(int timeout_ms) {
        if (mosquitto_loop(mosq_, timeout_ms, 1) == MOSQ_ERR_SUCCESS) return;
        connected_ = false;
        const auto now = std::chrono::steady_clock::now();
        if (now - last_attempt_ < std::chrono::milliseconds(200)) {
            std::this_thread::sleep_for(std::chrono::milliseconds(timeout_ms));
            return;
        }
        last_attempt_ = now;
        mosquitto_reconnect(mosq_);
    }

private:
    mosquitto* mosq_ = nullptr;
    bool connected_ = false;
    std::chrono::steady_clock::time_point last_attempt_{};
};

}  // namespace mote_serve
