"""Crash safety: SIGKILL a process that is issuing warranties; nothing is half-written afterwards."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

from station.report import default_keyring, verify_report
from station.warranty import WarrantyRegistry
from tests.report.sample import make_inspection

ROOT = Path(__file__).resolve().parents[2]

ISSUER = """
import sys
from station.warranty import WarrantyRegistry, issue_report_and_warranty
from tests.report.sample import make_inspection
registry = WarrantyRegistry()          # synchronous=FULL, as in production
seed = int(sys.argv[1])
while True:
    issue_report_and_warranty(make_inspection(seed), registry=registry, render=False,
                              order_id=f"ORD-{seed}", buyer_contact="buyer")
    print(seed, flush=True)
    seed += 1
"""


def _run_and_kill(start_seed: int, issued_before_kill: int, extra_delay_s: float) -> int:
    proc = subprocess.Popen([sys.executable, "-c", ISSUER, str(start_seed)], cwd=ROOT, env=os.environ.copy(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    seen = 0
    try:
        deadline = time.monotonic() + 60
        while seen < issued_before_kill and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            seen += 1
        time.sleep(extra_delay_s)  # land the kill at a random point inside an issue
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert seen >= issued_before_kill, f"issuer died early: {proc.stderr.read()}"
    return seen + len(proc.stdout.read().split())  # every issue the child reported as done


def test_sigkill_mid_issue_leaves_every_report_with_its_warranty():
    default_keyring().signing_key()  # one key for the parent and the children
    rng = random.Random(20261124)
    acknowledged = 0
    for round_number in range(4):
        acknowledged += _run_and_kill(1000 * (round_number + 1), rng.randint(3, 12), rng.uniform(0, 0.02))

    with WarrantyRegistry() as registry:
        conn = registry.conn
        assert registry.integrity() == "ok"
        orphans_r = conn.execute("SELECT count(*) FROM reports r LEFT JOIN warranties w"
                                 " ON w.report_id = r.report_id AND w.warranty_id = r.warranty_id"
                                 " WHERE w.warranty_id IS NULL").fetchone()[0]
        orphans_w = conn.execute("SELECT count(*) FROM warranties w LEFT JOIN reports r"
                                 " ON r.report_id = w.report_id AND r.warranty_id = w.warranty_id"
                                 " WHERE r.report_id IS NULL").fetchone()[0]
        without_imei = conn.execute("SELECT count(*) FROM warranties w WHERE NOT EXISTS"
                                    " (SELECT 1 FROM warranty_imeis i WHERE i.warranty_id = w.warranty_id)"
                                    ).fetchone()[0]
        assert (orphans_r, orphans_w, without_imei) == (0, 0, 0)
        counts = registry.counts()
        # every acknowledged issue survived; at most the one in flight per kill committed unreported
        assert acknowledged <= counts["warranties"] <= acknowledged + 4
        assert counts["reports"] == counts["warranties"] == counts["audit"]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        for (jws,) in conn.execute("SELECT jws FROM reports"):
            verify_report(jws)


KILL_INSIDE_TRANSACTION = """
import os, signal, sys
from station.warranty import WarrantyRegistry, issue_report_and_warranty
from station.warranty import registry as registry_module
from tests.report.sample import make_inspection
real_audit = registry_module.WarrantyRegistry.audit
calls = {"n": 0}
def audit_then_die(conn, *args):
    real_audit(conn, *args)        # report, warranty, IMEIs and audit row are written...
    calls["n"] += 1
    if calls["n"] == int(sys.argv[1]):
        os.kill(os.getpid(), signal.SIGKILL)   # ...and the process dies before COMMIT
registry_module.WarrantyRegistry.audit = staticmethod(audit_then_die)
registry = WarrantyRegistry()
for seed in range(50, 60):
    issue_report_and_warranty(make_inspection(seed), registry=registry, render=False)
"""


def test_sigkill_between_the_inserts_and_commit_leaves_neither():
    default_keyring().signing_key()
    proc = subprocess.run([sys.executable, "-c", KILL_INSIDE_TRANSACTION, "4"], cwd=ROOT, env=os.environ.copy(),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    with WarrantyRegistry() as registry:
        assert registry.integrity() == "ok"
        assert registry.counts() == {"reports": 3, "warranties": 3, "claims": 0, "audit": 3}
        # the 4th phone was never registered, under either of its keys
        phone = make_inspection(53)["phone"]
        assert registry.lookup(imei=phone["imeis"][0]) == [] and registry.lookup(serial=phone["serial"]) == []
