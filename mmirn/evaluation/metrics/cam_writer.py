"""Writes each test image's CAMs to a file."""
import os.path as osp
from typing import Dict, List, Optional, Sequence

from mmengine.evaluator import BaseMetric

from mmirn.pseudo.cam_io import cam_path, save_cams
from mmirn.registry import METRICS


def sample_img_id(data_sample: dict) -> str:
    """The image id of a data sample: ``img_id`` or the image file's stem."""
    if data_sample.get('img_id') is not None:
        return str(data_sample['img_id'])
    return osp.splitext(osp.basename(data_sample['img_path']))[0]


@METRICS.register_module()
class CAMWriter(BaseMetric):
    """Save the CAMs of every test image as ``<out_dir>/<img_id>.npz``.

    A metric, so ``tools/test.py --launcher ...`` writes the files of each rank's
    shard. Files are written atomically (:func:`~mmirn.pseudo.save_cams`), and existing
    ones are kept, so a killed run can be resumed; give the model the same directory as
    ``test_cfg.cam_dir`` to also skip their computation.

    Args:
        out_dir (str): Output directory.
        dtype (str): Storage dtype of the maps. Defaults to 'float16'.
        overwrite (bool): Rewrite existing files. Defaults to False.
        collect_device (str): Defaults to 'cpu'.
        prefix (str, optional): Prefix of the reported counts. Defaults to None.
    """

    default_prefix: Optional[str] = 'cam_dump'

    def __init__(self,
                 out_dir: str,
                 dtype: str = 'float16',
                 overwrite: bool = False,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.out_dir = out_dir
        self.dtype = dtype
        self.overwrite = overwrite

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        for data_sample in data_samples:
            if 'cams' not in data_sample or 'cams_strided' not in data_sample:
                raise KeyError('CAMWriter needs `cams` and `cams_strided` in '
                               'the data samples (see CAMClassifier)')
            path = cam_path(self.out_dir, sample_img_id(data_sample))
            if osp.exists(path) and not self.overwrite:
                self.results.append(0)
                continue
            cams = data_sample['cams']
            save_cams(path, cams['cam_keys'], data_sample['cams_strided']['data'],
                      cams['data'], dtype=self.dtype)
            self.results.append(1)

    def compute_metrics(self, results: List[int]) -> Dict[str, float]:
        # floats: mmengine's json log drops integer scalars of the test loop
        written = float(sum(results))
        return dict(written=written, kept=len(results) - written)
