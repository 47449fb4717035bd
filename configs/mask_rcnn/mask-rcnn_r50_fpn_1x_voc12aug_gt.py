# GT twin: the same Mask R-CNN on the GT instances of VOC 2012 train (1464 images:
# SegmentationObject exists for VOC's own train split only, not for SBD's part of
# train_aug), converted by tools/dataset_converters/instance_pngs_to_coco.py to
# data/VOCdevkit/VOC2012/train_gt_ins.json.
_base_ = ['./mask-rcnn_r50_fpn_1x_voc12aug_irn-labels.py']
train_dataloader = dict(dataset=dict(ann_file='train_gt_ins.json'))
