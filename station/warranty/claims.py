"""Claims against a warranty, and voiding (bound as WarrantyRegistry methods).

Status rules: opening a claim marks the warranty `claimed`; resolving the last open claim as
repaired, replaced or rejected makes it `active` again (coverage runs to the end date); refunded
ends the sale, so the warranty becomes `void`. A void or expired warranty takes no new claims.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

from station.errors import BadInput
from station.report.model import new_id, sha256_file

RESOLUTIONS = ("repaired", "replaced", "refunded", "rejected")


def open_claim(self, warranty_id: str, reason: str, photos=(), *, actor: str | None = None,
               allow_expired: bool = False) -> dict:
    """Open a claim with a reason and photo paths (copied into the data folder); returns the claim."""
    from station.warranty.registry import default_actor, now_utc

    if not reason or not reason.strip():
        raise BadInput("a claim needs a reason", "describe the fault the buyer reports")
    photos = [str(Path(p).resolve()) for p in photos]
    missing = [p for p in photos if not os.path.isfile(p)]
    if missing:
        raise BadInput(f"claim photo(s) not found: {', '.join(missing)}", "pass paths of existing image files")
    warranty = self.get(warranty_id)
    if warranty["status"] == "void":
        raise BadInput(f"warranty {warranty_id} is void", "a void warranty takes no claims")
    if warranty["status"] == "expired" and not allow_expired:
        raise BadInput(f"warranty {warranty_id} expired on {warranty['end']}",
                       "pass allow_expired (--allow-expired) to record a goodwill claim anyway")
    claim_id = new_id("C")
    stamp = now_utc()
    who = actor or default_actor()
    stored, digests = _keep_photos(self.path.parent / "claims" / claim_id, photos)
    try:
        with self.transaction() as conn:
            conn.execute("INSERT INTO claims (claim_id, warranty_id, opened_at, opened_by, reason, photos, status)"
                         " VALUES (?,?,?,?,?,?,'open')",
                         (claim_id, warranty_id, stamp, who, reason.strip(), json.dumps(stored)))
            conn.execute("UPDATE warranties SET status = 'claimed', updated_at = ? WHERE warranty_id = ?",
                         (stamp, warranty_id))
            self.audit(conn, who, "claim_open", "claim", claim_id,
                       {"warranty_id": warranty_id, "reason": reason.strip(), "photos_sha256": digests})
    except BaseException:
        shutil.rmtree(self.path.parent / "claims" / claim_id, ignore_errors=True)
        raise
    return _claim(self, claim_id)


def _keep_photos(folder: Path, photos: list[str]) -> tuple[list[str], list[str]]:
    """Copy claim photos into the data folder (the originals may be on a phone or a USB stick);
    returns the kept paths and their SHA-256 (recorded in the audit log as evidence)."""
    if not photos:
        return [], []
    folder.mkdir(parents=True, exist_ok=True)
    kept, digests = [], []
    for index, source in enumerate(photos, start=1):
        target = folder / f"{index:02d}-{Path(source).name}"
        shutil.copyfile(source, target)
        kept.append(str(target))
        digests.append(sha256_file(target))
    return kept, digests


def resolve_claim(self, claim_id: str, resolution: str, note: str | None = None, *,
                  actor: str | None = None) -> dict:
    """Close an open claim as repaired, replaced, refunded or rejected; returns the claim."""
    from station.warranty.registry import default_actor, now_utc

    if resolution not in RESOLUTIONS:
        raise BadInput(f"unknown resolution {resolution!r}", f"use one of {', '.join(RESOLUTIONS)}")
    claim = _claim(self, claim_id)
    if claim["status"] != "open":
        raise BadInput(f"claim {claim_id} is already resolved ({claim['resolution']})",
                       "open a new claim for a new fault")
    stamp = now_utc()
    who = actor or default_actor()
    with self.transaction() as conn:
        conn.execute("UPDATE claims SET status = 'resolved', resolution = ?, resolved_at = ?, resolved_by = ?,"
                     " note = ? WHERE claim_id = ? AND status = 'open'", (resolution, stamp, who, note, claim_id))
        still_open = conn.execute("SELECT count(*) FROM claims WHERE warranty_id = ? AND status = 'open'",
                                  (claim["warranty_id"],)).fetchone()[0]
        if resolution == "refunded":
            new_status = "void"
        else:
            new_status = "claimed" if still_open else "active"
        conn.execute("UPDATE warranties SET status = ?, updated_at = ? WHERE warranty_id = ? AND status != 'void'",
                     (new_status, stamp, claim["warranty_id"]))
        self.audit(conn, who, "claim_resolve", "claim", claim_id,
                   {"warranty_id": claim["warranty_id"], "resolution": resolution, "note": note})
    return _claim(self, claim_id)


def void(self, warranty_id: str, reason: str, *, actor: str | None = None) -> dict:
    """Void a warranty (kept, never deleted), e.g. a cancelled order."""
    from station.warranty.registry import default_actor, now_utc

    if not reason or not reason.strip():
        raise BadInput("voiding needs a reason", "say why, e.g. 'order cancelled'")
    self.get(warranty_id)
    who = actor or default_actor()
    with self.transaction() as conn:
        conn.execute("UPDATE warranties SET status = 'void', updated_at = ? WHERE warranty_id = ?",
                     (now_utc(), warranty_id))
        self.audit(conn, who, "void", "warranty", warranty_id, {"reason": reason.strip()})
    return self.get(warranty_id)


def _claim(self, claim_id: str) -> dict:
    rows = list(self.db.query("SELECT * FROM claims WHERE claim_id = ?", [claim_id]))
    if not rows:
        raise BadInput(f"no claim {claim_id}", "list a warranty's claims with station warranty lookup")
    return {**rows[0], "photos": json.loads(rows[0]["photos"])}
