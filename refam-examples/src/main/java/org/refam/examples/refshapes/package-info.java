/**
 * RefShapes: a synthetic referring-segmentation dataset, generated deterministically in Java and read by both the
 * Python training scripts and the Java evaluation (one source of truth).
 *
 * <h2>Folder layout</h2>
 * <pre>
 * DIR/
 *   index.json          the records below; written last (atomically), so its presence means the dataset is complete
 *   images/ID.png       8-bit RGB, W x H
 *   masks/ID-K.png      8-bit grey, 255 on the pixels painted for object K of image ID, 0 elsewhere
 *   vocabulary.txt      one token per line, line i (from 0) is token id i
 *   tokenizer.json      HuggingFace tokenizers file over the same vocabulary
 * </pre>
 * {@code ID} is {@code SPLIT-LOCALSEED} with the local seed zero-padded to 8 digits ({@code train-00000042}).
 *
 * <h2>index.json (format "refshapes", version 1)</h2>
 * <pre>
 * {
 *   "format": "refshapes", "formatVersion": 1,
 *   "variant": "standard" | "hard", "split": "train" | "val" | "test",
 *   "splitSeedBase": 0 | 2^40 | 2^41, "seedsPerSplit": 2^40, "firstSeed": S, "count": N,
 *   "width": 64, "height": 64, "minObjects": 2, "maxObjects": 4,
 *   "captionsPerImage": 2, "captionSubsetRatio": 0.25, "expressionsPerObject": 3,
 *   "vocabulary": "vocabulary.txt", "tokenizer": "tokenizer.json",
 *   "images": [ {
 *     "id": "train-00000042", "file": "images/train-00000042.png", "width": 64, "height": 64,
 *     "sceneSeed": 42,
 *     "objects": [ {
 *       "id": 0,                        index in "objects"
 *       "shape": "circle",              circle square triangle star diamond cross
 *       "colour": "red",                red green blue yellow orange purple white black
 *       "size": "small",                small large
 *       "cell": "top_left",             top_left top top_right left center right bottom_left bottom bottom_right
 *       "centre": [10.5, 11.25],        x, y in pixels (pixel x spans [x, x + 1))
 *       "bbox": [6, 7, 10, 9],          x, y, width, height of the painted pixels
 *       "mask": "masks/train-00000042-0.png",
 *       "area": 57                      painted pixels
 *     } ],
 *     "captions": [ { "text": "a red circle in the top left and a blue star in the center.", "objects": [0, 1] } ],
 *     "expressions": [ { "text": "the triangle above the green star", "target": 2, "template": "relation",
 *                        "anchor": 1 } ]      anchor: null except for template "relation"
 *   } ]
 * }
 * </pre>
 * Templates: {@code size_colour_shape, colour_shape, size_shape, shape, colour_one, size_one, cell, shape_cell,
 * colour_shape_cell, relation, superlative} (see {@link org.refam.examples.refshapes.ExpressionTemplate}). A
 * caption describes a proper subset of its scene's objects when its "objects" list is shorter than the scene's.
 *
 * <h2>Splits</h2>
 * Train, val and test own the disjoint scene-seed ranges {@code [0, 2^40)}, {@code [2^40, 2^41)} and
 * {@code [2^41, 3 * 2^40)}; see {@link org.refam.examples.refshapes.Split}.
 *
 * <h2>Tokenizer</h2>
 * WordLevel model over {@code vocabulary.txt}; {@code <pad>} = 0, {@code </s>} = 1, {@code <unk>} = 2; Lowercase
 * normaliser; pre-tokenizer WhitespaceSplit then Punctuation (isolated); post-processor TemplateProcessing that
 * appends {@code </s>} (T5 style: "the small red circle" gives the four word ids then 1). The vocabulary holds
 * every word the generator writes plus punctuation, the default magnet words ".", "with", "a", "the", "pink"
 * (method.md section 2) and common stop words. "pink" never names an object colour.
 */
package org.refam.examples.refshapes;
