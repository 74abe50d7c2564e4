"""Several Python threads simulating at once get what one thread gets."""

import threading

from conftest import src


def test_threads_running_points(ws):
    s = ws.System.load(src("configs/cs2.yaml"))
    m = ws.Model.load(src("models/gpt3-1.3b.yaml"))
    points = [s.with_overrides({"io.port_bandwidth": "%d Gb/s" % bw}) for bw in (25, 50, 100, 200)]
    expected = [ws.run(p, m, systems=2).to_json() for p in points]
    got = {}
    errors = []

    def worker(t):
        try:
            for k in range(5):
                i = (t + k) % len(points)
                got[(t, k)] = (i, ws.run(points[i], m, systems=2).to_json())
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert len(got) == 20
    for i, text in got.values():
        assert text == expected[i]


def test_threads_with_errors_and_pipelined(ws):
    results, errors = [], []

    def good():
        results.append(ws.run(None, src("models/bert-large.yaml"), mode="pipelined").to_json())

    def bad():
        try:
            ws.run(src("configs/small-wafer.yaml"), src("models/gptj-6b.yaml"), mode="pipelined")
        except ws.FitError as e:
            errors.append(e)

    threads = [threading.Thread(target=good if i % 2 else bad) for i in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == 3 and len(set(results)) == 1
    assert len(errors) == 3
