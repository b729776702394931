#!/usr/bin/env python3
"""The layer check of the test command (docs/architecture.md): reads CMake's target graph
(`cmake --graphviz`) of a configured build and fails when a Doorpost target depends on one it may
not, that is on anything but the layers below it, or when a binary links the other end's code
(the kiosk no server, libpq, cpp-httplib, libmicrohttpd or GnuTLS, save libmicrohttpd for its
peer server alone; the central no kiosk sync client or libcurl).

usage: check-layers.py BUILD_DIR | --self-test"""
import re
import subprocess
import sys
import tempfile
from pathlib import Path

# Each Doorpost target and the Doorpost targets it may link directly. Anything not named here is
# a new target: it must be added (with its layer) before the check passes. Third-party targets
# are not layers; which binary may link which of them is checked below.
ALLOWED = {
    "doorpost_base": [],
    "doorpost_storage": ["doorpost_base"],
    "doorpost_audit": ["doorpost_storage", "doorpost_base"],
    "doorpost_camera": ["doorpost_base"],
    "doorpost_decode": ["doorpost_camera", "doorpost_base"],
    "doorpost_synthetic": ["doorpost_decode", "doorpost_camera", "doorpost_base"],
    "doorpost_scanner": ["doorpost_decode", "doorpost_base"],
    "doorpost_capture": ["doorpost_decode", "doorpost_camera", "doorpost_base"],
    "doorpost_pass": ["doorpost_base"],
    "doorpost_sync": ["doorpost_storage", "doorpost_pass", "doorpost_base"],
    "doorpost_sync_client": ["doorpost_sync", "doorpost_storage", "doorpost_pass", "doorpost_base"],
    "doorpost_peer": ["doorpost_sync_client", "doorpost_sync", "doorpost_storage", "doorpost_pass",
                      "doorpost_base"],
    "doorpost_central": ["doorpost_sync", "doorpost_audit", "doorpost_storage", "doorpost_pass",
                         "doorpost_base"],
    "doorpost-central": ["doorpost_central", "doorpost_sync", "doorpost_audit", "doorpost_storage",
                         "doorpost_pass", "doorpost_base"],
    "doorpost_credentials": ["doorpost_pass", "doorpost_base"],
    "doorpost_policy": ["doorpost_credentials", "doorpost_base"],
    "doorpost_gate": ["doorpost_policy", "doorpost_credentials", "doorpost_storage",
                      "doorpost_pass", "doorpost_base"],
    "doorpost_app": ["doorpost_gate", "doorpost_policy", "doorpost_credentials", "doorpost_storage",
                     "doorpost_audit", "doorpost_peer", "doorpost_sync_client", "doorpost_sync", "doorpost_capture",
                     "doorpost_synthetic", "doorpost_scanner", "doorpost_decode",
                     "doorpost_camera", "doorpost_pass", "doorpost_base"],
    "doorpost_ui": ["doorpost_app", "doorpost_imgui_backends", "doorpost_gate", "doorpost_scanner",
                    "doorpost_capture", "doorpost_decode", "doorpost_camera", "doorpost_storage",
                    "doorpost_base"],
    "doorpost_cli": ["doorpost_ui", "doorpost_app", "doorpost_gate", "doorpost_policy",
                     "doorpost_credentials", "doorpost_audit", "doorpost_storage",
                     "doorpost_peer", "doorpost_sync_client", "doorpost_sync", "doorpost_capture",
                     "doorpost_synthetic", "doorpost_scanner", "doorpost_decode",
                     "doorpost_camera", "doorpost_pass", "doorpost_base"],
    "doorpost_bench": ["doorpost_cli", "doorpost_ui", "doorpost_app", "doorpost_gate",
                       "doorpost_policy", "doorpost_credentials", "doorpost_audit",
                       "doorpost_storage", "doorpost_peer", "doorpost_sync_client", "doorpost_sync",
                       "doorpost_capture", "doorpost_synthetic", "doorpost_scanner",
                       "doorpost_decode", "doorpost_camera", "doorpost_pass", "doorpost_base"],
    "doorpost": ["doorpost_cli", "doorpost_bench"],
}

# Build helpers every target may use: compiler warnings, third-party sources compiled here.
TOOLING = {"doorpost_warnings", "doorpost_imgui_backends", "doorpost_version_header",
           "doorpost_man_pages", "doorpost_package_docs"}

# What each binary must never carry, however indirectly (target names as CMake's graph shows
# them, or any node whose label contains the text).
FORBIDDEN = {
    "doorpost": ["doorpost_central", "LIBPQ", "libpq", "HTTPLIB", "httplib", "MICROHTTPD",
                 "microhttpd", "GNUTLS", "gnutls"],
    "doorpost-central": ["doorpost_sync_client", "doorpost_app", "doorpost_ui", "CURL", "curl"],
}

# A library a binary may carry through one target and no other way: the kiosk's one server is
# its peer server (sync/peer, docs/mesh.md), which serves its own chain to the doors of its site
# and nothing else; libmicrohttpd anywhere else in the kiosk is still refused.
THROUGH_ONLY = {"doorpost": {"MICROHTTPD": "doorpost_peer", "microhttpd": "doorpost_peer"}}


def read_graph(build_dir):
    with tempfile.TemporaryDirectory() as scratch:
        dot = Path(scratch) / "targets.dot"
        subprocess.run(["cmake", f"--graphviz={dot}", str(Path(build_dir).resolve())], check=True,
                       stdout=subprocess.DEVNULL, cwd=scratch)
        text = dot.read_text()
    labels = dict(re.findall(r'"(node\d+)" \[ label = "([^"]+)"', text))
    edges = {}
    for a, b in re.findall(r'"(node\d+)" -> "(node\d+)"', text):
        edges.setdefault(labels[a], set()).add(labels[b])
    return set(labels.values()), edges


def closure(start, edges):
    seen, todo = set(), [start]
    while todo:
        for nxt in edges.get(todo.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def is_product(name):
    """A target of the product's own code (not a test, fixture or build helper)."""
    return (name.startswith("doorpost") and name not in TOOLING and "test" not in name
            and "fuzz" not in name and name not in ("doorpost_catch_main",
                                                    "doorpost_storage_append_child"))


def check(nodes, edges):
    problems = []
    project = {n for n in nodes if is_product(n)}
    for target in sorted(project):
        if target not in ALLOWED:
            problems.append(f"{target}: a target the layer map does not know "
                            "(add it to scripts/check-layers.py and docs/architecture.md)")
            continue
        for dep in sorted(edges.get(target, ())):
            if dep in project and dep not in ALLOWED[target]:
                problems.append(f"{target} -> {dep}: points up or sideways across the layers")
    for binary, banned in FORBIDDEN.items():
        reach = closure(binary, edges)
        for node in sorted(reach):
            words = [word for word in banned if word in node]
            if not words:
                continue
            through = {THROUGH_ONLY.get(binary, {}).get(word) for word in words}
            if None not in through and len(through) == 1:
                # Allowed only if nothing but that target reaches it: not reachable without it.
                only = through.pop()
                pruned = {a: b for a, b in edges.items() if a != only}
                if node not in closure(binary, pruned):
                    continue
            problems.append(f"{binary} links {node}")
    return project, problems


def self_test():
    """The check itself: an arrow up, an unknown target and a server library in the kiosk fail."""
    nodes = {"doorpost_base", "doorpost_storage", "doorpost_newthing", "doorpost", "doorpost_cli",
             "doorpost_central", "doorpost_peer", "PkgConfig::LIBPQ", "PkgConfig::MICROHTTPD"}
    # libmicrohttpd through the peer server is allowed, which must not hide the central's.
    edges = {"doorpost_base": {"doorpost_storage"}, "doorpost": {"doorpost_cli"},
             "doorpost_cli": {"doorpost_central", "doorpost_peer"},
             "doorpost_peer": {"PkgConfig::MICROHTTPD"},
             "doorpost_central": {"PkgConfig::LIBPQ", "PkgConfig::MICROHTTPD"}}
    _, problems = check(nodes, edges)
    expected = ["doorpost_base -> doorpost_storage", "doorpost_newthing: a target",
                "doorpost_cli -> doorpost_central", "doorpost links doorpost_central",
                "doorpost links PkgConfig::LIBPQ", "doorpost links PkgConfig::MICROHTTPD"]
    missing = [e for e in expected if not any(p.startswith(e) for p in problems)]
    for e in missing:
        print("check-layers self-test: not caught: " + e)
    return 1 if missing else 0


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    if sys.argv[1] == "--self-test":
        return self_test()
    nodes, edges = read_graph(sys.argv[1])
    project, problems = check(nodes, edges)
    for line in problems:
        print("check-layers: " + line)
    if problems:
        return 1
    print(f"check-layers: {len(project)} targets, every arrow points down")
    return 0


if __name__ == "__main__":
    sys.exit(main())
