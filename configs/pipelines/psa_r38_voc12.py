# (a) PSA exactly on PASCAL VOC 2012: ResNet-38 CAMs -> affinity labels ->
# AffinityNet-R38 -> PSA labels of train -> mIoU (rows cam_r38_miou, psa_r38_miou).
#   python tools/run_pipeline.py configs/pipelines/psa_r38_voc12.py --launcher pytorch --gpus 8
# Needs data/VOCdevkit/VOC2012 (with ImageSets/Segmentation/train_aug.txt) and the
# converted ImageNet ResNet-38 at pretrain/resnet38_ilsvrc_mmirn.pth
# (tools/model_converters/resnet38_to_mmirn.py). The CAM step infers the train split
# (the images with masks); PSA trained AffinityNet on train_aug: run the CAM step
# on train_aug too and set vars.affinity_ids to train_aug.txt to follow it.
_base_ = ['./psa_toy.py']
work_dir = 'work_dirs/psa_r38_voc12'
vars = dict(
    data_root='data/VOCdevkit/VOC2012',
    cam_config='configs/psa/cam_r38_1xb8-15e_voc12aug-448x448.py',
    psa_config='configs/psa/psa_r38_1xb8-8e_voc12aug-448x448.py',
    # PSA starts AffinityNet from ImageNet, not from the CAM network
    affinity_init='pretrain/resnet38_ilsvrc_mmirn.pth',
)
# the toy thresholds of psa_toy.py go: the VOC configs' own apply (PSA's alpha 4 / 32
# for the affinity labels, alpha 16 for the labels)
_TOY_ONLY = ('miner.fg_thr=', 'miner.bg_thr=', 'model.labeler.bg_thr=')
_steps = [dict(s, cmd=[a for a in s['cmd'] if not a.startswith(_TOY_ONLY)])
          for s in _base_.steps if s['name'] != 'toy_data']
steps = [dict(s, summary={k.replace('cam_', 'cam_r38_').replace('psa_', 'psa_r38_'): v
                          for k, v in s['summary'].items()}) if 'summary' in s else s
         for s in _steps]
