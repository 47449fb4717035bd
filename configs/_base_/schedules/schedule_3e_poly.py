# IRN's IRNet schedule: SGD lr 0.1 without momentum (the released PolyOptimizer
# dropped it; 10x on the displacement branch), wd 1e-4, poly decay (power 0.9) over
# 3 epochs.
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.1, momentum=0.0, weight_decay=1e-4),
    paramwise_cfg=dict(custom_keys={'decode_head.disp_': dict(lr_mult=10.0)}))
param_scheduler = [
    dict(
        type='PolyLR',
        eta_min=0.0,
        power=0.9,
        begin=0,
        end=3,
        by_epoch=True,
        convert_to_iter_based=True)
]
train_cfg = dict(type='EpochBasedTrainLoop', max_epochs=3, val_interval=100)
val_cfg = None
val_dataloader = None
val_evaluator = None
test_cfg = dict(type='TestLoop')
