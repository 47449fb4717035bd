# mmseg's stock DeepLabV3+ R101-d8 (20k iterations, batch 16, 512 crops), the common
# modern stage-3 model, trained on train_aug (10582 images) with the IRN semantic
# pseudo labels and validated on val GT; everything but the train labels is mmseg's.
# Twin: ..._gt.py (SegmentationClassAug GT of the same images). Not run here.
_base_ = ['mmseg::deeplabv3plus/deeplabv3plus_r101-d8_4xb4-20k_voc12aug-512x512.py']
# mmirn.CRFSegTTAModel for `tools/test.py --tta --cfg-options tta_model.type=...`
custom_imports = dict(imports=['mmirn.seg'], allow_failed_imports=False)
# pseudo labels, relative to data_root or absolute (the VOC pipeline passes it)
train_labels = '../../../work_dirs/voc12/sem_labels'
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='PascalVOCDataset',
        data_root='data/VOCdevkit/VOC2012',
        ann_file='ImageSets/Segmentation/train_aug.txt',
        data_prefix=dict(img_path='JPEGImages', seg_map_path=train_labels),
        pipeline={{_base_.train_pipeline}}))
