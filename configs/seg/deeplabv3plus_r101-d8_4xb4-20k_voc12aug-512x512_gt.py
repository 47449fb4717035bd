# GT twin: the same DeepLabV3+ R101 on the train_aug GT masks (SBD + VOC,
# SegmentationClassAug as mmseg's voc_aug converter writes it).
_base_ = ['./deeplabv3plus_r101-d8_4xb4-20k_voc12aug-512x512_irn-labels.py']
train_dataloader = dict(
    dataset=dict(data_prefix=dict(seg_map_path='SegmentationClassAug')))
