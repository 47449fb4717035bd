# Copyright (c) mmirn contributors. All rights reserved.
import importlib.util
from pathlib import Path

import pytest

SCRIPT = (Path(__file__).resolve().parents[2] / 'tools' / 'benchmarks' /
          'benchmark_image_sizes.py')


def test_benchmark_image_sizes_small(capsys):
    pytest.importorskip('mmirn._ext')
    spec = importlib.util.spec_from_file_location('bench_sizes', SCRIPT)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    rows = bench.main(['--sizes', '20x17', '64x48', '--repeat', '1'])
    assert [r['size'] for r in rows] == [[20, 17], [64, 48]]
    assert all(r['sec'] > 0 and r['peak_mib'] >= 0 for r in rows)
    assert 'MiB/Mpx' in capsys.readouterr().out
