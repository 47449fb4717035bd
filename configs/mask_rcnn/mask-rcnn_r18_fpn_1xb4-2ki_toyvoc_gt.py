# GT twin: the same Mask R-CNN on the train split's GT instances (converted with
# tools/dataset_converters/instance_pngs_to_coco.py to train_gt_ins.json).
_base_ = ['./mask-rcnn_r18_fpn_1xb4-2ki_toyvoc_irn-labels.py']
train_dataloader = dict(dataset=dict(ann_file='train_gt_ins.json'))
