# IRN's CAM schedule: SGD lr 0.1 (10x on the classifier head), wd 1e-4, poly decay
# (power 0.9) over 5 epochs.
# The released IRN code ran its SGD without momentum (its PolyOptimizer dropped the
# argument); the published CAM mIoU comes from that, hence momentum=0 here.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.1, momentum=0.0, weight_decay=1e-4),
    paramwise_cfg=dict(custom_keys={'cam_head': dict(lr_mult=10.0)}))
param_scheduler = [
    dict(
        type='PolyLR',
        eta_min=0.0,
        power=0.9,
        begin=0,
        end=5,
        by_epoch=True,
        convert_to_iter_based=True)
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=5)
val_cfg = None
test_cfg = dict(type='TestLoop')
