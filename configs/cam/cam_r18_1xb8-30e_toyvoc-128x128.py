# CPU-sized CAM classifier on the toy benchmark (minutes on 2 cores). ResNet-18 at a
# quarter of its width (16 stem / base channels) trained from scratch, since no
# pretrained weights can be assumed: its BN layers train and no stage is frozen. From
# scratch it needs many more samples than a pretrained net, hence small batches, 30
# epochs (1500 iterations) and AdamW (SGD learned much more slowly here).
_base_ = [
    '../_base_/models/cam_r50.py', '../_base_/datasets/toy_voc_cls.py',
    '../_base_/default_runtime.py', '../_base_/schedules/schedule_5e_poly.py'
]
crop_size = (128, 128)
data_preprocessor = dict(size=crop_size)
# CAM files of `tools/test.py` (one .npz per image, PredictionWriterHook). Images with
# a file there are skipped (resuming a killed run): empty it after retraining.
cam_dir = 'work_dirs/{{fileBasenameNoExtension}}/cams'
model = dict(
    data_preprocessor=data_preprocessor,
    backbone=dict(
        depth=18,
        stem_channels=16,
        base_channels=16,
        norm_cfg=dict(type='BN', requires_grad=True),
        norm_eval=False,
        frozen_stages=-1,
        init_cfg=None),
    cam_head=dict(in_channels=128, num_classes=5))
train_dataloader = dict(batch_size=8)
test_evaluator = dict(type='CAMMetric')
optim_wrapper = dict(
    _delete_=True,
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=1e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=50),
    dict(
        type='PolyLR',
        eta_min=0.0,
        power=0.9,
        begin=0,
        end=30,
        by_epoch=True,
        convert_to_iter_based=True)
]
train_cfg = dict(max_epochs=30)
default_hooks = dict(
    writer=dict(type='PredictionWriterHook', out_dirs=dict(cams=cam_dir)),
    logger=dict(interval=50),
    checkpoint=dict(by_epoch=True, interval=10, max_keep_ckpts=1))
randomness = dict(seed=0)
