"""Free-form config dicts reject unknown keys, naming the key and the allowed ones."""
import pytest

from mmirn.utils import check_cfg_keys


def test_unknown_key_named_with_allowed():
    with pytest.raises(ValueError) as e:
        check_cfg_keys(dict(scale=(1.0, ), flip=True), ('scales', 'flip', 'score_thr'),
                       'CAMClassifier.test_cfg')
    msg = str(e.value)
    assert "'scale'" in msg and 'CAMClassifier.test_cfg' in msg
    assert 'allowed: flip, scales, score_thr' in msg


def test_known_keys_and_none_pass():
    assert check_cfg_keys(dict(flip=True), ('flip', 'scales'), 'x') == dict(flip=True)
    assert check_cfg_keys(None, ('flip', ), 'x') == {}


def test_keys_of_a_function():
    def instance_labels(cams, bg_thr=0.25, min_area=10):
        return cams

    check_cfg_keys(dict(bg_thr=0.3), instance_labels, 'label_cfg')
    with pytest.raises(ValueError, match="'min_aera'.*allowed: bg_thr, cams, min_area"):
        check_cfg_keys(dict(min_aera=5), instance_labels, 'label_cfg')


def test_function_with_var_keywords_takes_any_key():
    def fn(x, **kwargs):
        return x

    assert check_cfg_keys(dict(anything=1), fn, 'cfg') == dict(anything=1)
