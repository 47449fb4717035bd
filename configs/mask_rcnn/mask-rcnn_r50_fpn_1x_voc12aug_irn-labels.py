# mmdet's stock Mask R-CNN R50-FPN 1x (ImageNet R50, 12 epochs, batch 16) on the IRN
# instance pseudo labels of VOC 2012 train_aug (ins_labels.json of the IRN
# pseudo-label step), scored on the val GT (SegmentationObject converted by
# tools/dataset_converters/instance_pngs_to_coco.py to val_gt_ins.json) with
# CocoMetric and IRN's VOC-style mask AP50 / AP70. Reference (IRN paper, Mask R-CNN
# R50 on IRN labels): 46.7 AP50 / 23.5 AP70 on val -- not reproduced here.
# Twin: ..._gt.py.
_base_ = ['mmdet::mask_rcnn/mask-rcnn_r50_fpn_1x_coco.py']
custom_imports = dict(imports=['mmirn.evaluation'], allow_failed_imports=False)
data_root = 'data/VOCdevkit/VOC2012/'
classes = ('aeroplane', 'bicycle', 'bird', 'boat', 'bottle', 'bus', 'car', 'cat',
           'chair', 'cow', 'diningtable', 'dog', 'horse', 'motorbike', 'person',
           'pottedplant', 'sheep', 'sofa', 'train', 'tvmonitor')
metainfo = dict(classes=classes)
train_ann = '../../../work_dirs/voc12/ins_labels.json'  # relative to data_root
model = dict(
    roi_head=dict(
        bbox_head=dict(num_classes=len(classes)),
        mask_head=dict(num_classes=len(classes))))
train_dataloader = dict(
    dataset=dict(
        data_root=data_root,
        metainfo=metainfo,
        ann_file=train_ann,
        data_prefix=dict(img='JPEGImages/')))
val_dataloader = dict(
    dataset=dict(
        data_root=data_root,
        metainfo=metainfo,
        ann_file='val_gt_ins.json',
        data_prefix=dict(img='JPEGImages/')))
test_dataloader = val_dataloader
# mmdet's COCO AP and IRN's VOC-style mask AP50 / AP70 (``ins/ap50``, ``ins/ap70``)
val_evaluator = [
    dict(type='CocoMetric', ann_file=data_root + 'val_gt_ins.json',
         metric=['bbox', 'segm']),
    dict(type='VOCInstanceMetric', background=False),
]
test_evaluator = val_evaluator
