"""`station bench rig`: rig round trips per second over a real pty, against a raw pty echo.

Both servers run in their own process (as the rig is its own computer) on a pseudo-terminal:
  * raw echo: a loop that writes back each line it reads — the fastest a line can go there and
    back through a pty, with no protocol at all (client: os.write + os.read on the descriptor);
  * rig: ``station sim rig --timing fast`` — the simulated firmware, CRC checks and all — driven
    by the real driver (`open_rig(path).status()`: encode, write, wait, decode, typed, logged),
    once with its request path in C (the default) and once in Python (``fast_path=False``);
  * protocol floor (context, not a goal): a few lines of Python on each side doing only what
    the protocol cannot skip — frame + CRC a request, wait for it with poll(), check the line
    (regex, CRC, number), answer a fixed reply, check that and split its fields — with no
    driver or firmware around it: what any Python driver + Python simulator could at best reach.
The echo line has the length of a STATUS reply, so all three move the same bytes per round trip.
Figures: round trips per second, median of several batches; ratio = rig / raw echo.
"""

from __future__ import annotations

import binascii
import json
import os
import re
import select
import statistics
import subprocess
import sys
import time

NAME = "rig"

_ECHO_SERVER = r"""
import os, sys, tty, select
master, slave = os.openpty()
tty.setraw(slave)
sys.stdout.write(os.ttyname(slave) + "\n"); sys.stdout.flush()
pending = b""
while True:
    pending += os.read(master, 4096)
    cut = pending.rfind(b"\n") + 1
    if cut:
        os.write(master, pending[:cut]); pending = pending[cut:]
"""

_FLOOR_SERVER = r"""
import binascii, os, re, select, sys, tty
master, slave = os.openpty()
tty.setraw(slave)
os.set_blocking(master, False)
sys.stdout.write(os.ttyname(slave) + "\n"); sys.stdout.flush()
request = re.compile(rb"N(0|[1-9][0-9]{0,4}) ([A-Z][A-Z0-9]*)((?: [\x21-\x29\x2b-\x7e]+)*)\*([0-9A-F]{4})\Z")
fields = b" lid=closed phone=1 weight_g=143.0 port=off top=0 n=0 e=0 s=0 w=0"
poller = select.poll()
poller.register(master, select.POLLIN)
while True:
    if not poller.poll(20.0):
        continue
    line = os.read(master, 4096)[:-1]
    match = request.match(line)
    if match and int(match[4], 16) == binascii.crc_hqx(line[:-5], 0xFFFF):
        body = b"ok N%d%s" % (int(match[1]), fields)
        os.write(master, body + b"*%04X\n" % binascii.crc_hqx(body, 0xFFFF))
"""

_OK_LINE = re.compile(
    rb"ok N(0|[1-9][0-9]{0,4})((?: [a-z][a-z0-9_]*=[\x21-\x29\x2b-\x3c\x3e-\x7e]+)*)\*([0-9A-F]{4})\Z")

ECHO_LINE = b"ok N101 lid=closed phone=1 weight_g=143.0 port=off top=0 n=0 e=0 s=0 w=0*1234\n"


def _start(cmd: list[str]) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = proc.stdout.readline().strip()
    if not line:
        proc.kill()
        raise RuntimeError(f"bench server {cmd} did not start")
    path = json.loads(line)["path"] if line.startswith("{") else line
    return proc, path


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()


def _raw_echo_batch(fd: int, count: int, cpu: dict | None = None, echo_pid: int = 0) -> float:
    start, cpu_start, echo_start = time.perf_counter(), time.process_time(), _proc_cpu_s(echo_pid)
    for _ in range(count):
        os.write(fd, ECHO_LINE)
        got = b""
        while not got.endswith(b"\n"):
            got += os.read(fd, 4096)
    wall = time.perf_counter() - start
    if cpu is not None:
        cpu["echo_client"].append((time.process_time() - cpu_start) / count)
        cpu["echo_server"].append((_proc_cpu_s(echo_pid) - echo_start) / count)
    return count / wall


def _floor_batch(fd: int, count: int, cpu: dict | None = None, floor_pid: int = 0) -> float:
    poller = select.poll()
    poller.register(fd, select.POLLIN)
    start, cpu_start, floor_start = time.perf_counter(), time.process_time(), _proc_cpu_s(floor_pid)
    for seq in range(count):
        body = b"N%d STATUS" % seq
        os.write(fd, body + b"*%04X\n" % binascii.crc_hqx(body, 0xFFFF))
        if not poller.poll(1000.0):
            raise RuntimeError("the protocol-floor server did not answer")
        line = os.read(fd, 4096)[:-1]
        match = _OK_LINE.match(line)
        if not (match and int(match[3], 16) == binascii.crc_hqx(line[:-5], 0xFFFF)
                and int(match[1]) == seq):
            raise RuntimeError(f"the protocol-floor server sent {line!r}")
        flat = match[2][1:].decode("ascii").replace("=", " ").split(" ")
        dict(zip(flat[::2], flat[1::2]))
    wall = time.perf_counter() - start
    if cpu is not None:
        cpu["floor_client"].append((time.process_time() - cpu_start) / count)
        cpu["floor_server"].append((_proc_cpu_s(floor_pid) - floor_start) / count)
    return count / wall


def _open_raw(path: str, blocking: bool = True) -> int:
    import termios
    import tty

    fd = os.open(path, os.O_RDWR | os.O_NOCTTY | (0 if blocking else os.O_NONBLOCK))
    tty.setraw(fd)
    termios.tcflush(fd, termios.TCIOFLUSH)
    return fd


def _proc_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far (Linux /proc), 0 if unknown."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, ValueError, IndexError):
        return 0.0


def _rig_batch(rig, count: int, cpu: dict | None = None, sim_pid: int = 0) -> float:
    start, cpu_start, sim_start = time.perf_counter(), time.process_time(), _proc_cpu_s(sim_pid)
    for _ in range(count):
        rig.status()
    wall = time.perf_counter() - start
    if cpu is not None:
        cpu["driver"].append((time.process_time() - cpu_start) / count)
        cpu["sim"].append((_proc_cpu_s(sim_pid) - sim_start) / count)
    return count / wall


def _measure(batches: int, count: int) -> dict:
    """Interleaved batches (all see the same machine load): raw echo, rig with the driver's C
    request path, the same rig with its Python path (``fast_path=False``), protocol floor."""
    from drivers.rig import open_rig

    echo_proc, echo_path = _start([sys.executable, "-c", _ECHO_SERVER])
    floor_proc, floor_path = _start([sys.executable, "-c", _FLOOR_SERVER])
    rig_proc, rig_path = _start([sys.executable, "-m", "station", "sim", "rig", "--timing", "fast",
                                 "--faults", "", "--json"])
    try:
        fd = _open_raw(echo_path)
        floor_fd = _open_raw(floor_path, blocking=False)
        try:
            cpu: dict[str, list[float]] = {"driver": [], "sim": [], "echo_client": [], "echo_server": [],
                                           "floor_client": [], "floor_server": []}
            rates: dict[str, list[float]] = {"echo": [], "rig": [], "python_path": [], "floor": []}
            warm = max(10, count // 10)
            _raw_echo_batch(fd, warm)
            _floor_batch(floor_fd, warm)
            resends = 0
            for _ in range(batches):
                rates["echo"].append(_raw_echo_batch(fd, count, cpu, echo_proc.pid))
                # One rig port, one client at a time (each client's reader thread reads it).
                for fast_path, key in ((True, "rig"), (False, "python_path")):
                    with open_rig(rig_path, fast_path=fast_path) as rig:
                        _rig_batch(rig, warm)
                        # CPU figures are for the default (C) path only.
                        rates[key].append(_rig_batch(rig, count, cpu if fast_path else None, rig_proc.pid))
                        resends += rig.stats.resends
                rates["floor"].append(_floor_batch(floor_fd, count, cpu, floor_proc.pid))
        finally:
            os.close(fd)
            os.close(floor_fd)
    finally:
        _stop(echo_proc)
        _stop(floor_proc)
        _stop(rig_proc)
    medians = {key: statistics.median(values) for key, values in rates.items()}
    return {"rates": medians, "cpu": {key: statistics.median(v) * 1e6 for key, v in cpu.items()},
            "resends": resends}


def run(quick: bool) -> dict:
    from drivers.rig import client

    batches, count = (3, 200) if quick else (7, 1500)
    measured = _measure(batches, count)
    rates, cpu, raw = measured["rates"], measured["cpu"], measured["rates"]["echo"]
    return {
        "round_trips_per_s": round(rates["rig"], 1),
        "raw_echo_per_s": round(raw, 1),
        "ratio": round(rates["rig"] / raw, 3),
        "c_request_path": client._fastlink is not None,
        # The same driver with its request path in Python (fast_path=False), same run.
        "python_path_round_trips_per_s": round(rates["python_path"], 1),
        "python_path_ratio": round(rates["python_path"] / raw, 3),
        "round_trips_per_batch": count,
        "batches": batches,
        "resends": measured["resends"],
        # Where a round trip's time goes: CPU of this process (driver: encode, CRC, decode,
        # typed result, traffic log) and of the simulated firmware's process, per round trip.
        "driver_cpu_us_per_round_trip": round(cpu["driver"], 1),
        "sim_cpu_us_per_round_trip": round(cpu["sim"], 1),
        "raw_echo_client_cpu_us_per_round_trip": round(cpu["echo_client"], 1),
        "raw_echo_server_cpu_us_per_round_trip": round(cpu["echo_server"], 1),
        # The same round trip with nothing but the protocol's unavoidable checks, in Python.
        "protocol_floor_per_s": round(rates["floor"], 1),
        "protocol_floor_ratio": round(rates["floor"] / raw, 3),
        "protocol_floor_client_cpu_us_per_round_trip": round(cpu["floor_client"], 1),
        "protocol_floor_server_cpu_us_per_round_trip": round(cpu["floor_server"], 1),
        "command": "STATUS (typed driver call) vs same-length raw line echo",
    }
