# DeepLab v2 (ASPP-v2 sum head, dilations 6/12/18/24) on ResNet-101-d8 as in
# IRN's and RCA's papers, trained on train_aug (10582 images) with the IRN
# semantic pseudo labels, validated on val GT. Reference (IRN paper, with
# ImageNet-pretrained R101 and dense CRF): 63.5 val mIoU -- not reproduced here.
# Twin: ..._gt.py (SegmentationClassAug GT of the same images).
_base_ = [
    './_base_/deeplabv2_r50-d8.py',
    'mmseg::_base_/datasets/pascal_voc12_aug.py',
    'mmseg::_base_/default_runtime.py', 'mmseg::_base_/schedules/schedule_20k.py'
]
# pseudo labels, relative to data_root or absolute (the VOC pipeline passes it)
train_labels = '../../../work_dirs/voc12/sem_labels'
model = dict(
    data_preprocessor=dict(size=_base_.crop_size),
    pretrained='open-mmlab://resnet101_v1c',
    backbone=dict(depth=101))
train_dataloader = dict(
    batch_size=4,
    dataset=dict(
        _delete_=True,
        type='PascalVOCDataset',
        data_root='data/VOCdevkit/VOC2012',
        ann_file='ImageSets/Segmentation/train_aug.txt',
        data_prefix=dict(img_path='JPEGImages', seg_map_path=train_labels),
        pipeline={{_base_.train_pipeline}}))
