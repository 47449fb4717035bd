# IRNet as in the paper on PASCAL VOC 2012: ResNet-50 from the CAM classifier (frozen),
# relation labels mined on train_aug (radius 10), crop 512, rescale (0.5, 1.5), flip,
# batch 32, 3 epochs, SGD lr 0.1 (10x on the displacement branch), wd 1e-4, poly.
# The test run synthesises the semantic and instance labels of the train split (set
# test_dataloader.dataset.ann_file to train_aug.txt for DeepLab training labels).
_base_ = [
    '../_base_/models/irn_r50.py', '../_base_/datasets/voc12_rel.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_3e_poly.py'
]
work_root = '{{fileDirname}}/../../work_dirs'
cam_work_dir = work_root + '/cam_r50_1xb16-5e_voc12aug-512x512'
cam_checkpoint = cam_work_dir + '/epoch_5.pth'
cam_dir = cam_work_dir + '/cams'
relation_dir = cam_work_dir + '/relations'
out_dir = work_root + '/{{fileBasenameNoExtension}}'

# IRN's released code (jiwoon-ahn/irn) where it departs from the paper (the toy configs
# keep the paper's forms, the defaults of the components):
# - train_irn weighs (pos_aff + neg_aff) / 2 + (dp_fg + dp_bg) / 2, the displacement
#   errors averaged over (dy, dx): half of L_B, a quarter of the paper's L_fg, L_bg;
# - make_sem_seg_labels / make_ins_seg_labels divide the walked, upsampled scores by
#   their global maximum (norm='per_class': each class by its own);
# - the centroid refinement makes 300 moves and clamps the positions to the map
#   after each (refine_clamp='end': positions may leave it, clipped at the end);
# - pixels whose centroid lands in no candidate region form one more instance
#   (unassigned='drop': they get none and their CAM is not walked).
# Remaining differences from the released code that we know of:
# - the displacement at test time is averaged with that of the flipped image (the
#   released EdgeDisplacement uses the unflipped image's only; the boundary logits
#   are averaged in both);
# - the displacement mean is measured over the training set after training
#   (DisplacementMeanHook); the released MeanShift keeps a running mean (momentum
#   0.1) of the training batches;
# - (class, instance) CAMs whose maximum is at most min_cam (0.02) are not walked:
#   the same labels unless the largest walked score of the image is below
#   min_cam / bg_thr (0.08);
# - the walk is 256 sparse steps (the released code squares a dense transition
#   matrix 8 times: the same product up to rounding), on the same search directions
#   and line pixels as the released PathIndex;
# - training pairs start at every pixel of the crop (pairs leaving it are ignored);
#   the released PathIndex starts them only away from the bottom, left and right
#   borders (radius - 1 pixels), so fewer border pairs are seen;
# - normalisations clamp the maximum at 1e-5 (released: none) and the loss terms
#   divide by max(count, 1) (released: count + 1e-5);
# - the unassigned instance is the last (class, instance) channel and empty
#   components keep a (zero, unwalked) channel (released: the first, and empty ones
#   are removed); this only changes the order of ties.
model = dict(
    data_preprocessor=dict(size=_base_.crop_size),
    backbone=dict(
        init_cfg=dict(
            type='Pretrained', checkpoint=cam_checkpoint, prefix='backbone.')),
    decode_head=dict(
        loss_decode=dict(
            coord_reduction='mean',
            loss_weight_fg=0.5,
            loss_weight_bg=0.5,
            loss_weight_boundary=0.5)),
    labeler=dict(
        labelers=dict(
            sem=dict(norm='global'),
            ins=dict(
                norm='global',
                refine_iters=300,
                refine_clamp='step',
                unassigned='instance'))))

train_dataloader = dict(
    batch_size=32, dataset=dict(data_prefix=dict(relation_path=relation_dir)))
# The instance masks too (IRN's labels are semantic and instance)
test_pipeline = [
    dict(type='LoadImageFromFileChecked'),
    dict(type='LoadWSSSAnnotations', with_relation=False),
    dict(type='LoadCAMs'),
    dict(type='PackWSSSInputs'),
]
test_dataloader = dict(
    dataset=dict(
        data_prefix=dict(ins_map_path='SegmentationObject', cam_path=cam_dir),
        pipeline=test_pipeline))
# Relation labels of train_aug (tools/mine_labels.py, on train_aug's CAMs): IRN's
# confident areas 0.30 / 0.05 and CRF.
mine_dataloader = dict(dataset=dict(data_prefix=dict(cam_path=cam_dir)))
miner = dict(
    type='RelationMiner', fg_thr=0.30, bg_thr=0.05, crf_cfg=dict(num_iters=10))
test_evaluator = [
    dict(type='LabelIoUMetric', prefix='sem'),
    dict(type='VOCInstanceMetric', prefix='ins'),
    dict(type='CocoMaskMetric', prefix='coco'),
    dict(type='VOCInstanceMetric', pred_key='pred_instances_cam',
         prefix='ins_cam'),
    dict(type='VOCInstanceMetric', pred_key='pred_instances_cam_boundary',
         prefix='ins_cam_boundary'),
]

default_hooks = dict(
    writer=dict(
        type='PredictionWriterHook',
        out_dirs=dict(sem=out_dir + '/sem_labels', ins=out_dir + '/ins_labels')),
    checkpoint=dict(type='AtomicCheckpointHook', by_epoch=True, interval=1))
custom_hooks = [dict(type='DisplacementMeanHook')]
