# DeepLab v2 (ASPP-v2 sum head, dilations 6/12/18/24) on ResNet-101-d8 as in
# IRN's and RCA's papers, trained on train_aug (10582 images) with the IRN
# semantic pseudo labels, validated on val GT. Reference (IRN paper, with
# ImageNet-pretrained R101 and dense CRF): 63.5 val mIoU -- not reproduced here.
# Twin: ..._gt.py (SegmentationClassAug GT of the same images).
_base_ = [
    'mmseg::_base_/models/deeplabv3_r50-d8.py',
    'mmseg::_base_/datasets/pascal_voc12_aug.py',
    'mmseg::_base_/default_runtime.py', 'mmseg::_base_/schedules/schedule_20k.py'
]
custom_imports = dict(imports=['mmirn.seg'], allow_failed_imports=False)
crop_size = (512, 512)
# pseudo labels, relative to data_root or absolute (the VOC pipeline passes it)
train_labels = '../../../work_dirs/voc12/sem_labels'
model = dict(
    data_preprocessor=dict(size=crop_size),
    pretrained='open-mmlab://resnet101_v1c',
    backbone=dict(depth=101),
    decode_head=dict(
        _delete_=True,
        type='mmirn.DeepLabV2Head',  # mmirn's registry (scope mmirn)
        in_channels=2048,
        in_index=3,
        dilations=(6, 12, 18, 24),
        num_classes=21,
        dropout_ratio=0.1,
        align_corners=False,
        loss_decode=dict(
            type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    auxiliary_head=None)
train_dataloader = dict(
    batch_size=4,
    dataset=dict(
        _delete_=True,
        type='PascalVOCDataset',
        data_root='data/VOCdevkit/VOC2012',
        ann_file='ImageSets/Segmentation/train_aug.txt',
        data_prefix=dict(img_path='JPEGImages', seg_map_path=train_labels),
        pipeline={{_base_.train_pipeline}}))
