package org.slicelab.ablations.trial;

import java.util.Map;
import org.slicelab.ablations.backbone.Backbones;
import org.slicelab.ablations.data.Datasets;
import org.slicelab.ablations.data.TableDataset;
import org.slicelab.ablations.method.Methods;

/** One-line help for every {@link TrialSpec} option (command line and docs). */
public final class TrialOptionDocs {
  private TrialOptionDocs() {
  }

  private static final Map<String, String> HELP = Map.ofEntries(
      Map.entry("method", "fine-tuning method: " + TrialSpec.METHODS),
      Map.entry("backbone", "pretrained backbone: " + String.join(", ",
          Backbones.builtInNames()) + ", or a Hugging Face BERT/RoBERTa checkpoint directory "
          + "(a path or file: URI holding config.json, model.safetensors or a sharded index, "
          + "tokenizer.json)"),
      Map.entry("init", "encoder initialisation: pretrained, or random (control)"),
      Map.entry("dataset", "labelled data set: " + String.join(", ", Datasets.builtInNames())
          + " (options ?train=SOURCES&test=SOURCES, sources amazon, imdb, yelp), or a "
          + "CSV/TSV/JSONL/Parquet file or directory with options ?" + String.join("=..&",
          TableDataset.OPTIONS) + "=.. (columns; given splits from train.*/test.* files)"),
      Map.entry("train_size", "training examples (stratified subsample, drawn with --seed)"),
      Map.entry("val_size", "validation examples (drawn with --data-seed)"),
      Map.entry("test_size", "test examples (drawn with --data-seed)"),
      Map.entry("data_seed", "seed of the validation/test subsamples (same across trial seeds)"),
      Map.entry("max_len", "tokens per example (truncation and padding)"),
      Map.entry("seed", "trial seed: training subsample, head init, shuffling"),
      Map.entry("epochs", "passes over the training set"),
      Map.entry("batch_size", "examples per optimizer step"),
      Map.entry("lr", "peak learning rate; 0 = the method's default ("
          + Methods.defaultLrSummary() + ")"),
      Map.entry("weight_decay", "AdamW decoupled weight decay (on effective weights)"),
      Map.entry("warmup_fraction", "share of steps with linear warm-up"),
      Map.entry("grad_clip", "global gradient-norm clip; 0 = none"),
      Map.entry("rank", "SliceFine slice rank r / LoRA rank"),
      Map.entry("position", "slice start: index (40) or fraction of the dimension (0.5)"),
      Map.entry("mode", "slice orientation: " + TrialSpec.MODES),
      Map.entry("move_steps", "move the slice every N steps; 0 = static"),
      Map.entry("bias", "also train the full bias of every targeted layer"),
      Map.entry("targets", "comma-separated layer patterns (encoder.layer.N. prefix optional, * "
          + "wildcard)"),
      Map.entry("head", "classifier head: full (trained fully) or slice"),
      Map.entry("selector", "slice selector: " + TrialSpec.SELECTORS),
      Map.entry("calib_size", "Wanda calibration examples from the training split"),
      Map.entry("lth_sparsity", "lottery-ticket mask sparsity (fraction of targeted weights "
          + "pruned)"),
      Map.entry("lth_rounds", "lottery-ticket pruning rounds"),
      Map.entry("lora_alpha", "LoRA scale numerator (scale = alpha / rank)"),
      Map.entry("sift_rate", "SIFT top-x fraction per tensor, in (0, 1]"),
      Map.entry("fault", "test-only fault injection: " + TrialSpec.FAULTS));

  /** Help text for a snake_case option (empty if undocumented). */
  public static String help(String option) {
    return HELP.getOrDefault(option, "");
  }
}
