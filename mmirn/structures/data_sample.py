"""The data sample that carries weak labels, CAMs and pseudo labels through mmirn."""
import torch
from mmengine.structures import InstanceData, PixelData
from mmseg.structures import SegDataSample


def _field(name: str, dtype: type) -> property:
    """A typed data field ``name`` (stored as ``_name``), like mmseg's."""

    def get(self):
        return getattr(self, f'_{name}')

    def set(self, value):
        self.set_field(value, f'_{name}', dtype=dtype)

    def delete(self):
        delattr(self, f'_{name}')

    return property(get, set, delete, f'{dtype.__name__} field ``{name}``.')


class WSSSDataSample(SegDataSample):
    """mmseg's ``SegDataSample`` plus the fields of weakly supervised segmentation.

    Inputs (from the dataset's pipeline):

    - ``gt_label`` (Tensor): multi-hot image-level label over the foreground classes
      (``dataset.metainfo['classes'][1:]``; index 0 of ``classes`` is background).
    - ``gt_instances`` (InstanceData): ``masks`` (bool [K, H, W]) and ``labels``
      (foreground class index, [K]) for evaluation only.
    - ``gt_relation`` (PixelData): relation / affinity labels (``data`` [1, H, W],
      0 background, c + 1 for foreground class c, 255 ignored).
    - ``cams`` / ``cams_strided`` (PixelData): stored CAMs of the present classes
      (``LoadCAMs``): ``data`` [K, H, W] at full resolution / at ``stride`` 4, with
      ``cam_keys`` (foreground class indices) and ``stride`` in the metainfo.
    - ``saliency`` (PixelData): an off-the-shelf saliency map (``LoadSaliency``),
      ``data`` uint8 [1, H, W], 0-255.

    Predictions (``predict`` of the segmentors and their labellers):

    - ``pred_cams`` / ``pred_cams_strided`` (PixelData): CAMs predicted by the CAM
      classifier, laid out as ``cams`` / ``cams_strided``.
    - ``pred_boundary`` (PixelData): IRNet's class boundaries ``data`` [1, h, w].
    - ``pred_displacement`` (PixelData): IRNet's displacement field [2, h, w].
    - ``pred_affinity`` (PixelData): AffinityNet's affinities [D, h, w].
      The three carry ``stride`` (and ``pred_affinity`` its ``radius``) in the
      metainfo.
    - ``pred_instances`` (InstanceData): instance pseudo labels: ``masks`` (bool
      [N, H, W]), ``labels`` (foreground class index [N]) and ``scores`` [N].

    Plus mmseg's ``gt_sem_seg``, ``pred_sem_seg`` (semantic pseudo label) and
    ``seg_logits`` (the scores behind it).
    """

    gt_label = _field('gt_label', torch.Tensor)
    gt_instances = _field('gt_instances', InstanceData)
    gt_relation = _field('gt_relation', PixelData)
    cams = _field('cams', PixelData)
    cams_strided = _field('cams_strided', PixelData)
    saliency = _field('saliency', PixelData)
    pred_cams = _field('pred_cams', PixelData)
    pred_cams_strided = _field('pred_cams_strided', PixelData)
    pred_boundary = _field('pred_boundary', PixelData)
    pred_displacement = _field('pred_displacement', PixelData)
    pred_affinity = _field('pred_affinity', PixelData)
    pred_instances = _field('pred_instances', InstanceData)
