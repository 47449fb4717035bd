# GT twin of the IRN-label config: identical model and schedule, trained on the
# train split's ground-truth masks (the "full supervision" row).
_base_ = ['./deeplabv2_r18-d8_1xb8-2ki_toyvoc-128x128_irn-labels.py']
train_dataloader = dict(
    dataset=dict(data_prefix=dict(seg_map_path='SegmentationClass')))
