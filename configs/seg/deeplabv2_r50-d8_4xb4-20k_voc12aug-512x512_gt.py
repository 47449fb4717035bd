# GT twin: the same DeepLab v2 R50 on the train_aug GT masks (SegmentationClassAug).
_base_ = ['./deeplabv2_r50-d8_4xb4-20k_voc12aug-512x512_irn-labels.py']
train_dataloader = dict(
    dataset=dict(data_prefix=dict(seg_map_path='SegmentationClassAug')))
