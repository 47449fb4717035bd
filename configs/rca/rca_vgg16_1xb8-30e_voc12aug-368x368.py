# RCA (CVPR22) on VOC 2012 train_aug, the released code's setting: VGG-16 (pool4 and
# pool5 removed, conv5 dilated, one extra 3 x 3 conv; output stride 8), crop 368,
# batch 8, 30 epochs, SGD lr 1e-3 with 10x for the new layers' weights and 20x for
# their biases, weight decay 5e-4. Memory: queue 500, momentum 0.99, score 0.7,
# K = 10, tau 0.07, Beta(8, 8), loss 1 / 0.4 / 0.01, contrast from the 2nd epoch
# (RCAHead's defaults). Without saliency maps (mmirn's default).
# Follows the released code (maeve07/RCA) where it differs from the paper, as
# RCAHead's defaults: a standard-normal memory bank in use from the start
# (bank_init='randn'), and the aggregation with learned projections and a
# linear attention scaled by C / K (aggregation_mode='released'; the paper's
# softmax(F Q^T) is 'softmax'). Remaining known differences from the released
# code: the contrast queries are the pooled backbone features (the released
# code pools a conv-BN-ReLU-conv projection of them), the InfoNCE denominator
# sums over all slots (released: each positive against the negatives), one
# bias-free 1 x 1 final classifier on [F, F'] (released: a 1 x 1 fusion conv and
# three 3 x 3 convs per class), and no saliency / CRF in the labels (the
# _saliency-labels variant adds them).
_base_ = ['../cam/cam_r50_1xb16-5e_voc12aug-512x512.py']
crop_size = (368, 368)
data_preprocessor = dict(size=crop_size)
model = dict(
    data_preprocessor=data_preprocessor,
    backbone=dict(
        _delete_=True,
        type='WSSSVGG',
        depth=16,
        remove_pool4=True,
        last_dilation=2,
        extra_channels=(512, ),
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://vgg16')),
    cam_head=dict(type='RCAHead', in_channels=512),
    test_cfg=dict(output_stride=8))
train_pipeline = [
    dict(type='LoadImageFromFileChecked'),
    dict(
        type='RandomResize',
        scale=(640, 640),
        ratio_range=(0.5, 1.0),
        keep_ratio=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='RandomCrop', crop_size=crop_size),
    dict(type='PackWSSSInputs'),
]
train_dataloader = dict(batch_size=8, dataset=dict(pipeline=train_pipeline))
custom_hooks = [dict(type='RCAHook')]
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=1e-3, momentum=0.9, weight_decay=5e-4),
    paramwise_cfg=dict(
        _delete_=True,
        custom_keys={
            'cam_head': dict(lr_mult=10.0),
            'backbone.extra': dict(lr_mult=10.0),
            'backbone.extra.0.bias': dict(lr_mult=20.0),
        }))
param_scheduler = [
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
default_hooks = dict(checkpoint=dict(by_epoch=True, interval=5, max_keep_ckpts=2))
