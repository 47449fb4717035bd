"""Every model in model-index.yml's metafiles has a config that exists and builds; the
metafiles' toy results are the README's; docs/model_zoo.md is the generator's output."""
import importlib.util
import re
from pathlib import Path

import pytest
from mmengine.config import Config
from mmengine.registry import DefaultScope, init_default_scope

from mmirn.registry import MODELS

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location('gen_model_zoo',
                                              ROOT / 'tools/misc/gen_model_zoo.py')
gen = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gen)
MODELS_IN_INDEX = list(gen.load_models())
FOLDERS = ('cam', 'irn', 'psa', 'rca', 'seg', 'mask_rcnn')
# stage-3 configs build in the stock package's scope (as tests/test_configs does)
STOCK_SCOPES = {'seg': 'mmseg', 'mask_rcnn': 'mmdet'}


def test_every_config_folder_has_readme_and_metafile():
    for folder in FOLDERS:
        assert (ROOT / 'configs' / folder / 'README.md').is_file()
        assert (ROOT / 'configs' / folder / 'metafile.yaml').is_file()
    listed = {m['Config'] for _, m in MODELS_IN_INDEX}
    trainable = {
        p.relative_to(ROOT).as_posix()
        for folder in FOLDERS for p in (ROOT / 'configs' / folder).glob('*.py')
    }
    assert listed == trainable


@pytest.mark.parametrize('model', [m for _, m in MODELS_IN_INDEX], ids=lambda m: m['Name'])
def test_metafile_config_exists_and_builds(model):
    path = ROOT / model['Config']
    assert path.is_file()
    assert path.stem == model['Name']
    cfg = Config.fromfile(str(path))
    scope = STOCK_SCOPES.get(path.parent.name, 'mmirn')
    with DefaultScope.overwrite_default_scope(scope):
        init_default_scope(scope)
        net = MODELS.build(cfg.model)
    assert sum(p.numel() for p in net.parameters()) > 0


def test_toy_results_are_the_readme_measurements():
    readme = (ROOT / 'README.md').read_text()
    for _, model in MODELS_IN_INDEX:
        for result in model.get('Results', []):
            for value in result['Metrics'].values():
                assert re.search(rf'\b{value:.2f}\b', readme), (model['Name'], value)
        # a metafile README table must quote the same numbers
        folder_readme = (ROOT / model['Config']).parent / 'README.md'
        for result in model.get('Results', []):
            for value in result['Metrics'].values():
                assert f'{value:.2f}' in folder_readme.read_text(), (model['Name'], value)


def test_model_zoo_doc_is_generated():
    assert (ROOT / 'docs' / 'model_zoo.md').read_text() == gen.render()
