"""The data sample that carries weak labels, CAMs and pseudo labels through mmirn."""
import torch
from mmengine.structures import InstanceData, PixelData
from mmseg.structures import SegDataSample


class WSSSDataSample(SegDataSample):
    """mmseg's ``SegDataSample`` plus the fields of weakly supervised segmentation.

    - ``gt_label`` (Tensor): multi-hot image-level label over the foreground classes
      (``dataset.metainfo['classes'][1:]``; index 0 of ``classes`` is background).
    - ``gt_instances`` (InstanceData): ``masks`` (bool [K, H, W]) and ``labels``
      (foreground class index, [K]) for evaluation only.
    - ``gt_relation`` (PixelData): relation / affinity labels (``data`` [1, H, W],
      0 background, c + 1 for foreground class c, 255 ignored).
    - ``cams`` (PixelData): CAMs of the present classes (``data`` [K, H, W]) with
      ``keys`` (foreground class indices) in the metainfo.
    - ``pred_instances`` (InstanceData): predicted instance masks, labels and scores.
    Plus mmseg's ``gt_sem_seg``, ``pred_sem_seg`` and ``seg_logits``.
    """

    @property
    def gt_label(self) -> torch.Tensor:
        return self._gt_label

    @gt_label.setter
    def gt_label(self, value: torch.Tensor) -> None:
        self.set_field(value, '_gt_label', dtype=torch.Tensor)

    @gt_label.deleter
    def gt_label(self) -> None:
        del self._gt_label

    @property
    def gt_instances(self) -> InstanceData:
        return self._gt_instances

    @gt_instances.setter
    def gt_instances(self, value: InstanceData) -> None:
        self.set_field(value, '_gt_instances', dtype=InstanceData)

    @gt_instances.deleter
    def gt_instances(self) -> None:
        del self._gt_instances

    @property
    def gt_relation(self) -> PixelData:
        return self._gt_relation

    @gt_relation.setter
    def gt_relation(self, value: PixelData) -> None:
        self.set_field(value, '_gt_relation', dtype=PixelData)

    @gt_relation.deleter
    def gt_relation(self) -> None:
        del self._gt_relation

    @property
    def cams(self) -> PixelData:
        return self._cams

    @cams.setter
    def cams(self, value: PixelData) -> None:
        self.set_field(value, '_cams', dtype=PixelData)

    @cams.deleter
    def cams(self) -> None:
        del self._cams

    @property
    def pred_instances(self) -> InstanceData:
        return self._pred_instances

    @pred_instances.setter
    def pred_instances(self, value: InstanceData) -> None:
        self.set_field(value, '_pred_instances', dtype=InstanceData)

    @pred_instances.deleter
    def pred_instances(self) -> None:
        del self._pred_instances
