"""mmseg's test-time augmentation followed by a dense CRF (DeepLab's post-processing)."""
from typing import List, Optional

import mmcv
import torch
from mmengine.structures import PixelData
from mmseg.models import SegTTAModel

from mmirn.pseudo.crf import crf_inference
from mmirn.registry import MODELS

# deeplab-pytorch's VOC CRF (the DeepLab v2 code IRN's and RCA's numbers came from)
DEEPLAB_CRF = dict(num_iters=10, pos_xy_std=1., pos_w=3., bi_xy_std=67., bi_rgb_std=3.,
                   bi_w=4.)


@MODELS.register_module()
class CRFSegTTAModel(SegTTAModel):
    """:class:`SegTTAModel`, then a dense CRF on the merged class probabilities.

    The softmax scores are averaged over the views of ``tta_pipeline`` (as mmseg's
    ``SegTTAModel``), refined by :func:`~mmirn.pseudo.crf.crf_inference` with the
    image of ``img_path`` as the colours of the bilateral kernel, and the argmax
    of the CRF marginals is ``pred_sem_seg``. A ``tta_pipeline`` of one view (scale
    1, no flip) gives CRF post-processing alone. ``tools/test.py --tta`` uses it when
    the config's ``tta_model`` names it.

    Args:
        crf (dict, optional): ``num_iters`` and the kernel parameters of
            :func:`~mmirn.pseudo.crf.crf_from_unary`. Defaults to None
            (``DEEPLAB_CRF``).
        **kwargs: The arguments of ``SegTTAModel`` (``module``, ...).
    """

    def __init__(self, crf: Optional[dict] = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self.crf = dict(DEEPLAB_CRF, **(crf or {}))

    def merge_preds(self, data_samples_list: List[list]) -> list:
        assert self.module.out_channels > 1, 'the CRF needs class scores'
        predictions = []
        for data_samples in data_samples_list:
            probs = torch.stack(
                [s.seg_logits.data.softmax(dim=0) for s in data_samples]).mean(0)
            sample = data_samples[0]
            image = mmcv.imread(sample.img_path, channel_order='rgb')
            if image is None:
                raise FileNotFoundError(f'CRFSegTTAModel: cannot read {sample.img_path}')
            refined = crf_inference(image, probs.cpu().numpy(), **self.crf)
            pred = torch.from_numpy(refined.argmax(0)).to(probs.device)
            sample.set_data({'pred_sem_seg': PixelData(data=pred[None])})
            predictions.append(sample)
        return predictions
