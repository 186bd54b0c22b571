#!/usr/bin/env python3
"""Regenerates engine/assets/*.txt from the reference manifests (goldens/manifest_*.json).

Each line: key, dtype, shape (comma-separated; '-' for a scalar). These are the published
checkpoint layouts: the exact keys and shapes the real files carry."""
import json
import pathlib
import sys

shared = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "../shared")
out = pathlib.Path(__file__).resolve().parent.parent / "engine" / "assets"
for name in ["t3_base", "t3_mtl", "t3_turbo", "s3gen_base", "s3gen_meanflow", "ve"]:
    manifest = json.loads((shared / "goldens" / f"manifest_{name}.json").read_text())
    lines = []
    for key, spec in manifest.items():
        shape = ",".join(str(d) for d in spec["shape"]) or "-"
        lines.append(f"{key} {spec['dtype']} {shape}")
    (out / f"{name}.txt").write_text("\n".join(lines) + "\n")
