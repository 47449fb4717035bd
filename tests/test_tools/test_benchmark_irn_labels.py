import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).parents[2] / 'tools' / 'analysis_tools' / \
    'benchmark_irn_labels.py'


def load_script():
    spec = importlib.util.spec_from_file_location('benchmark_irn_labels',
                                                  SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_irn_labels_small(tmp_path, capsys):
    bench = load_script()
    out = tmp_path / 'res.json'
    res = bench.main([
        '--size', '40', '52', '--repeat', '1', '--dense', '--out',
        str(out)
    ])
    assert res['stride4'] == [10, 13]
    assert res['fast_s'] > 0 and res['reference_s'] > 0 and res['dense_s'] > 0
    assert out.exists()
    assert 'compiled walk' in capsys.readouterr().out
