#!/usr/bin/env python3
"""The gateway of the split example: the radio link between the device and the server.

Starts QEMU (mps2-an386) with the device firmware, its UART0 on a UNIX socket chardev, and the
server with pipes. Uplink: SLIP packets (fragments) from the UART pass a link model -- loss,
duplication, reordering, a bit rate -- driven by a fixed-seed PRNG, then go to the server's
stdin (2-byte little-endian length + bytes). Downlink: the server's control messages (same
form on its stdout) go SLIP-framed to the device's UART, without loss.

    gateway.py --elf device.elf --append "222 a.bin b.bin" [--loss 0.2] [--dup 0.05]
               [--reorder 0.1] [--rate 50000] [--seed 1] [--timeout 300] -- server ARGS...

Exit status: the server's, or 1 when QEMU fails or the run times out.
"""
import argparse
import os
import random
import selectors
import socket
import subprocess
import sys
import tempfile
import time

END, ESC, ESC_END, ESC_ESC = 0xC0, 0xDB, 0xDC, 0xDD


def slip_encode(packet):
    out = bytearray([END])
    for b in packet:
        if b == END:
            out += bytes([ESC, ESC_END])
        elif b == ESC:
            out += bytes([ESC, ESC_ESC])
        else:
            out.append(b)
    out.append(END)
    return bytes(out)


class SlipDecoder:
    def __init__(self):
        self.buf = bytearray()
        self.esc = False
        self.bad = False

    def feed(self, data):
        packets = []
        for b in data:
            if b == END:
                if self.buf and not self.bad:
                    packets.append(bytes(self.buf))
                self.buf.clear()
                self.esc = self.bad = False
            elif self.esc:
                self.esc = False
                if b in (ESC_END, ESC_ESC):
                    self.buf.append(END if b == ESC_END else ESC)
                else:
                    self.bad = True
            elif b == ESC:
                self.esc = True
            else:
                self.buf.append(b)
        return packets


def log(*args):
    print("gateway:", *args, file=sys.stderr, flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--elf", required=True)
    ap.add_argument("--append", required=True)
    ap.add_argument("--qemu", default="qemu-system-arm")
    ap.add_argument("--machine", default="mps2-an386")
    ap.add_argument("--loss", type=float, default=0.0)
    ap.add_argument("--dup", type=float, default=0.0)
    ap.add_argument("--reorder", type=float, default=0.0)
    ap.add_argument("--rate", type=float, default=50000.0, help="uplink bit/s (0: unlimited)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--timeout", type=float, default=300.0)
    ap.add_argument("server", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    server_cmd = a.server[1:] if a.server[:1] == ["--"] else a.server
    if not server_cmd:
        ap.error("no server command after --")

    rng = random.Random(a.seed)
    tmp = tempfile.mkdtemp(prefix="mote-split-")
    sock_path = os.path.join(tmp, "uart0.sock")
    qemu_cmd = [a.qemu, "-M", a.machine, "-icount", "shift=0", "-display", "none", "-monitor", "none",
                "-nodefaults", "-nic", "none", "-chardev", "stdio,id=semi",
                "-semihosting-config", "enable=on,target=native,chardev=semi",
                "-chardev", f"socket,id=uart0,path={sock_path},server=on,wait=on",
                "-serial", "chardev:uart0", "-kernel", a.elf, "-append", a.append]
    server = subprocess.Popen(server_cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    qemu = subprocess.Popen(qemu_cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    deadline = time.monotonic() + a.timeout
    uart = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    while True:
        try:
            uart.connect(sock_path)
            break
        except (FileNotFoundError, ConnectionRefusedError):
            if qemu.poll() is not None or time.monotonic() > deadline:
                log("QEMU did not open its UART socket:", qemu.stdout.read().decode(errors="replace"))
                server.kill()
                return 1
            time.sleep(0.02)
    log(f"link model: loss {a.loss:.0%}, duplication {a.dup:.0%}, reordering {a.reorder:.0%}, "
        f"{a.rate:.0f} bit/s, seed {a.seed}; downlink lossless")

    sel = selectors.DefaultSelector()
    uart.setblocking(False)
    sel.register(uart, selectors.EVENT_READ, "uart")
    sel.register(qemu.stdout, selectors.EVENT_READ, "console")
    sel.register(server.stdout, selectors.EVENT_READ, "server")
    slip = SlipDecoder()
    queue = []          # (deliver_at, packet) in order
    link_free = 0.0
    held = None         # (since, packet): a packet overtaken by the next one
    stats = dict(up=0, lost=0, duplicated=0, reordered=0, down=0)
    down_buf = bytearray()
    console = bytearray()
    uart_open = True
    rc = 1

    def enqueue(p):
        nonlocal link_free
        now = time.monotonic()
        t = max(now, link_free) + (len(p) * 8 / a.rate if a.rate > 0 else 0.0)
        link_free = t
        queue.append((t, p))

    def uplink(p):
        nonlocal held
        stats["up"] += 1
        if rng.random() < a.loss:
            stats["lost"] += 1
            return
        copies = 2 if rng.random() < a.dup else 1
        stats["duplicated"] += copies - 1
        for _ in range(copies):
            if held is None and rng.random() < a.reorder:
                held = (time.monotonic(), p)
                stats["reordered"] += 1
                continue
            enqueue(p)
            if held is not None:
                enqueue(held[1])
                held = None

    try:
        while True:
            now = time.monotonic()
            if now > deadline:
                log(f"timed out after {a.timeout:.0f} s")
                break
            if held is not None and now - held[0] > 0.05:
                enqueue(held[1])
                held = None
            while queue and queue[0][0] <= now:
                p = queue.pop(0)[1]
                try:
                    server.stdin.write(len(p).to_bytes(2, "little") + p)
                    server.stdin.flush()
                except BrokenPipeError:
                    queue.clear()
            if not uart_open and not queue and held is None:
                break
            timeout = 0.05 if not queue else max(0.0, min(0.05, queue[0][0] - now))
            for key, _ in sel.select(timeout):
                if key.data == "uart":
                    try:
                        data = uart.recv(4096)
                    except BlockingIOError:
                        continue
                    if not data:
                        uart_open = False
                        sel.unregister(uart)
                        continue
                    for p in slip.feed(data):
                        uplink(p)
                elif key.data == "console":
                    data = os.read(qemu.stdout.fileno(), 4096)
                    if not data:
                        sel.unregister(qemu.stdout)
                        continue
                    console += data
                    while b"\n" in console:
                        line, _, rest = console.partition(b"\n")
                        console[:] = rest
                        text = line.decode(errors="replace")
                        if "has no peer" not in text and "waiting for connection" not in text:
                            print(text, file=sys.stderr, flush=True)
                elif key.data == "server":
                    data = os.read(server.stdout.fileno(), 4096)
                    if not data:
                        sel.unregister(server.stdout)
                        continue
                    down_buf += data
                    while len(down_buf) >= 2:
                        n = int.from_bytes(down_buf[:2], "little")
                        if len(down_buf) < 2 + n:
                            break
                        msg = bytes(down_buf[2:2 + n])
                        del down_buf[:2 + n]
                        stats["down"] += 1
                        if uart_open:
                            uart.setblocking(True)
                            uart.sendall(slip_encode(msg))
                            uart.setblocking(False)
            if qemu.poll() is not None and uart_open:
                # QEMU exited: drain what it wrote, then close the link.
                uart_open = False
                try:
                    sel.unregister(uart)
                except KeyError:
                    pass
        qemu_rc = qemu.wait(timeout=10) if qemu.poll() is None else qemu.returncode
        if qemu.poll() is None:
            qemu.kill()
        for line in console.decode(errors="replace").splitlines():
            print(line, file=sys.stderr)
        log(f"uplink {stats['up']} fragments: {stats['lost']} lost, {stats['duplicated']} duplicated, "
            f"{stats['reordered']} reordered; downlink {stats['down']} control messages")
        server.stdin.close()
        server_rc = server.wait(timeout=30)
        if qemu_rc != 0:
            log(f"the device (QEMU) exited with status {qemu_rc}")
        rc = server_rc if qemu_rc == 0 else 1
    finally:
        for p in (qemu, server):
            if p.poll() is None:
                p.kill()
        uart.close()
        try:
            os.unlink(sock_path)
            os.rmdir(tmp)
        except OSError:
            pass
    return rc


if __name__ == "__main__":
    sys.exit(main())
