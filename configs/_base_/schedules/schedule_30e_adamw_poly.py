# The toy CAM classifier's schedule. From scratch (cam_r18_toy.py) it needs many more
# samples than a pretrained net, hence 30 epochs (1500 iterations of batch 8) and
# AdamW 1e-3, wd 1e-4 (SGD learned much more slowly here): 50 iterations of linear
# warm-up, then poly decay (power 0.9).
optim_wrapper = dict(
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
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=30)
val_cfg = None
test_cfg = dict(type='TestLoop')
