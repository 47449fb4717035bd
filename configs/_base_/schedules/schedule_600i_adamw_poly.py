# The toy AffinityNet's schedule: AdamW 1e-3 (10x on the head), wd 1e-4, poly decay
# (power 0.9) over 600 iterations. As for the toy CAM net, SGD without momentum
# (PSA's) learned slowly here: after 300 iterations (stride 8) its mean affinities
# were 0.77 on positive and 0.22 on negative pairs, AdamW's 0.86 / 0.12.
max_iters = 600
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='AdamW', lr=1e-3, weight_decay=1e-4),
    paramwise_cfg=dict(custom_keys={'decode_head': dict(lr_mult=10.0)}))
param_scheduler = [
    dict(
        type='PolyLR',
        eta_min=0.0,
        power=0.9,
        begin=0,
        end=max_iters,
        by_epoch=False)
]
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=max_iters, val_interval=100000)
val_cfg = None
val_dataloader = None
val_evaluator = None
test_cfg = dict(type='TestLoop')
