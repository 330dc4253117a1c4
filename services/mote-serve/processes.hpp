#pragma once
// Starting and stopping the processes of `mote-serve --demo` (a loopback broker, workers, the
// fleet simulator): a free loopback port, a Mosquitto configuration, spawn / stop. Host only.
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <pwd.h>

#include <cstdio>
#include <string>
#include <vector>

extern char** environ;

namespace mote_serve {

// A TCP port on 127.0.0.1 that nothing listens on right now (0 if none could be found).
inline int free_loopback_port() {
    const int s = socket(AF_INET, SOCK_STREAM, 0);
    if (s < 0) return 0;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t n = sizeof a;
    int port = 0;
    if (bind(s, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0 &&
        getsockname(s, reinterpret_cast<sockaddr*>(&a), &n) == 0)
        port = ntohs(a.sin_port);
    close(s);
    return port;
}

// A Mosquitto configuration for a private loopback broker: persistent (a restart keeps the
// sessions and queued QoS 1 messages), no limit on queued messages for an absent worker, no
// Nagle delay (40 ms per small message against delayed ACKs). Started
// as root, Mosquitto would switch to its own user: it stays the caller's, who owns `dir`.
inline std::string mosquitto_config(int port, const std::string& dir) {
    const passwd* me = getpwuid(getuid());
    return "listener " + std::to_string(port) + " 127.0.0.1\n"
           "user " + std::string(me ? me->pw_name : "root") + "\n"
           "allow_anonymous true\n"
           "persistence true\n"
           "persistence_location " + dir + "/\n"
           "autosave_interval 1\n"
           "max_queued_messages 0\n"
           "max_inflight_messages 0\n"
           "set_tcp_nodelay true\n"
           "log_dest file " + dir + "/mosquitto.log\n";
}

inline pid_t spawn(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = 0;
    return posix_spawnp(&pid, args[0], nullptr, nullptr, args.data(), environ) == 0 ? pid : -1;
}

// SIGTERM, then the exit status (or -1).
inline int stop(pid_t pid) {
    if (pid <= 0) return -1;
    kill(pid, SIGTERM);
    int status = 0;
    return waitpid(pid, &status, 0) == pid && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

inline int wait_for(pid_t pid) {
    int status = 0;
    return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace mote_serve
