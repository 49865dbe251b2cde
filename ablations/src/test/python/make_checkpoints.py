"""Writes small random BERT and RoBERTa checkpoints plus Hugging Face reference outputs.

Each checkpoint directory holds what SliceLab reads from any Hugging Face checkpoint:
config.json, safetensors weights (RoBERTa: two shards + model.safetensors.index.json) and
tokenizer.json (BERT: WordPiece, RoBERTa: byte-level BPE, both trained here on a few sentences
so the vocabulary, and thus the files, stay small). Weights are random and every parameter is
perturbed away from its initial value (LayerNorm scales != 1, biases != 0) so a loader that
drops or misplaces any tensor fails the comparison. Tensor names carry the model prefix
(bert. / roberta.), plus a pooler (to be ignored) and a mean-pooling classifier head
(classifier.weight / classifier.bias, SliceLab's head layout).

reference.json: the sentences, max_len, the tokenizer's input ids / attention mask / token type
ids, transformers' last_hidden_state [B][L][H] and the logits of classifier(mean over real
tokens of last_hidden_state).

Usage: make_checkpoints.sh [OUT_DIR]  (builds the venv, then runs this file).
"""
import json
import os
import sys

import torch
from safetensors.torch import save_file
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers, decoders
from transformers import BertConfig, BertModel, RobertaConfig, RobertaModel

MAX_LEN = 16
CLASSES = 3
CORPUS = [
    "A man is eating food.", "A man is eating a piece of bread.", "The new movie is awesome.",
    "Congratulations! You have won a gift card, click here to claim your prize now.",
    "Hi Bob, can we move tomorrow's meeting to 3pm? The numbers are not ready yet.",
    "Spark distributes tasks across executors.", "The food was cold and the service slow.",
    "I loved this phone, the battery lasts for days.", "Worst purchase ever, it broke at once.",
    "Dear friend, I am a prince with an urgent business proposal for you.",
]
SENTENCES = [
    "A man is eating food.", "ok", "The battery lasts for days and the movie is awesome!",
    "Click here now to claim the prize, dear friend.", "Unseen words: zebra quokka",
    "Spark tasks",
]


def perturb(model, seed):
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            p.add_(torch.randn(p.shape, generator=generator) * 0.1)


def bert_tokenizer():
    tok = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tok.normalizer = normalizers.BertNormalizer(lowercase=True)
    tok.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    specials = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    tok.train_from_iterator(CORPUS, trainers.WordPieceTrainer(vocab_size=200,
                                                              special_tokens=specials))
    cls, sep = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", pair="[CLS] $A [SEP] $B:1 [SEP]:1",
        special_tokens=[("[CLS]", cls), ("[SEP]", sep)])
    tok.decoder = decoders.WordPiece()
    return tok, tok.token_to_id("[PAD]"), "[PAD]"


def roberta_tokenizer():
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    specials = ["<s>", "<pad>", "</s>", "<unk>", "<mask>"]
    tok.train_from_iterator(CORPUS, trainers.BpeTrainer(
        vocab_size=300, special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet()))
    tok.post_processor = processors.RobertaProcessing(("</s>", tok.token_to_id("</s>")),
                                                      ("<s>", tok.token_to_id("<s>")))
    tok.decoder = decoders.ByteLevel()
    return tok, tok.token_to_id("<pad>"), "<pad>"


def encode(tok, pad_id, pad_token):
    tok.enable_truncation(MAX_LEN)
    tok.enable_padding(pad_id=pad_id, pad_token=pad_token, length=MAX_LEN)
    enc = tok.encode_batch(SENTENCES)
    ids = torch.tensor([e.ids for e in enc])
    mask = torch.tensor([e.attention_mask for e in enc])
    types = torch.tensor([e.type_ids for e in enc])
    return ids, mask, types


def write(out, kind, model, tok, pad, prefix, shards, seed):
    os.makedirs(out, exist_ok=True)
    generator = torch.Generator().manual_seed(seed + 1)
    hidden = model.config.hidden_size
    head_w = torch.randn(CLASSES, hidden, generator=generator) * 0.5
    head_b = torch.randn(CLASSES, generator=generator) * 0.1
    tensors = {prefix + k: v.contiguous() for k, v in model.state_dict().items()}
    tensors["classifier.weight"] = head_w
    tensors["classifier.bias"] = head_b
    names = sorted(tensors)
    if shards == 1:
        save_file(tensors, os.path.join(out, "model.safetensors"), metadata={"format": "pt"})
    else:
        weight_map = {}
        for i in range(shards):
            part = names[i::shards]
            file = "model-%05d-of-%05d.safetensors" % (i + 1, shards)
            save_file({n: tensors[n] for n in part}, os.path.join(out, file),
                      metadata={"format": "pt"})
            weight_map.update({n: file for n in part})
        size = sum(t.numel() * 4 for t in tensors.values())
        with open(os.path.join(out, "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {"total_size": size}, "weight_map": weight_map}, f, indent=1)
    model.config.to_json_file(os.path.join(out, "config.json"))
    ids, mask, types = encode(tok, *pad)
    tok.no_padding()
    tok.no_truncation()
    tok.save(os.path.join(out, "tokenizer.json"))
    with torch.no_grad():
        last = model(input_ids=ids, attention_mask=mask, token_type_ids=types).last_hidden_state
        m = mask.unsqueeze(-1).float()
        pooled = (last * m).sum(1) / m.sum(1).clamp(min=1e-9)
        logits = pooled @ head_w.T + head_b
    reference = {
        "kind": kind, "sentences": SENTENCES, "max_len": MAX_LEN,
        "input_ids": ids.tolist(), "attention_mask": mask.tolist(),
        "token_type_ids": types.tolist(), "last_hidden_state": last.tolist(),
        "logits": logits.tolist(),
        "generated_with": {"torch": torch.__version__,
                           "transformers": __import__("transformers").__version__},
    }
    with open(os.path.join(out, "reference.json"), "w") as f:
        json.dump(reference, f, separators=(",", ":"))
    for file in os.listdir(out):
        os.chmod(os.path.join(out, file), 0o644)  # safetensors writes owner-only files


def main(out):
    torch.manual_seed(0)
    tok, pad_id, pad_token = bert_tokenizer()
    bert = BertModel(BertConfig(
        vocab_size=tok.get_vocab_size(), hidden_size=32, num_hidden_layers=2,
        num_attention_heads=4, intermediate_size=64, max_position_embeddings=32,
        type_vocab_size=2, layer_norm_eps=1e-12, hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0, pad_token_id=pad_id), add_pooling_layer=True).eval()
    perturb(bert, 1)
    write(os.path.join(out, "tiny-bert"), "bert", bert, tok, (pad_id, pad_token), "bert.", 1, 1)

    torch.manual_seed(0)
    tok, pad_id, pad_token = roberta_tokenizer()
    roberta = RobertaModel(RobertaConfig(
        vocab_size=tok.get_vocab_size(), hidden_size=32, num_hidden_layers=2,
        num_attention_heads=4, intermediate_size=64, max_position_embeddings=MAX_LEN + 2 + 16,
        type_vocab_size=1, layer_norm_eps=1e-5, hidden_dropout_prob=0.0,
        attention_probs_dropout_prob=0.0, pad_token_id=pad_id, bos_token_id=0, eos_token_id=2),
        add_pooling_layer=False).eval()
    perturb(roberta, 2)
    write(os.path.join(out, "tiny-roberta"), "roberta", roberta, tok, (pad_id, pad_token),
          "roberta.", 2, 2)


if __name__ == "__main__":
    main(sys.argv[1])
