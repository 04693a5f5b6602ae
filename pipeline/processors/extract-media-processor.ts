import { createHash } from 'node:crypto';
import { ConfigError, PermanentError } from '../../core/errors.js';
import { PipelineWorkRepository } from '../../store/repositories/pipeline-work-repository.js';
import type { MediaWord } from '../../store/schema.js';
import { analyzeJob, type ExtractPayload, type StageJob } from '../job-payloads.js';
import type { PipelineDependencies } from '../pipeline-dependencies.js';

/**
 * Reads one image of a post: downloads it through the crawler's guard, reuses the reading of an
 * image with the same bytes when one is kept, else runs OCR, and stores words, boxes and metadata
 * (and the bytes, until analysis). An image that cannot be read (refused, not an image, hostile)
 * is recorded as failed with its reason and the post is analyzed without it. When the post's last
 * image is done, returns the post's analysis job.
 */
export async function extractMediaProcessor(payload: ExtractPayload, deps: PipelineDependencies): Promise<StageJob[]> {
  const repository = new PipelineWorkRepository(deps.db);
  const media = await repository.mediaById(payload.mediaId);
  if (media?.status === 'pending') {
    let contentSha256: string | undefined;
    try {
      const fetched = await deps.crawler.fetchMedia(media.source_url);
      contentSha256 = createHash('sha256').update(fetched.bytes).digest('hex');
      const known = await repository.extractedWithContent(contentSha256);
      if (known?.ocr_words != null) {
        await repository.saveExtraction(media.id, media.source_url, {
          contentSha256,
          bytes: fetched.bytes,
          mimeType: fetched.contentType,
          width: known.width ?? 0,
          height: known.height ?? 0,
          perceptualHash: known.perceptual_hash,
          ocrText: known.ocr_text ?? '',
          words: known.ocr_words,
          metadata: known.metadata,
        });
      } else {
        const image = await (await deps.ocr()).extract(fetched.bytes, media.source_url);
        await repository.saveExtraction(media.id, media.source_url, {
          contentSha256,
          bytes: fetched.bytes,
          mimeType: fetched.contentType,
          width: image.width,
          height: image.height,
          perceptualHash: image.hash,
          ocrText: image.text,
          words: image.words.map((word): MediaWord => ({ text: word.text, box: [...word.box], confidence: word.confidence, line: word.line })),
          metadata: { ...image.metadata, format: image.format, hasText: image.gate.text },
        });
      }
    } catch (error) {
      // A broken installation (no OCR language data) is the job's failure, kept for `jobs retry`,
      // not the image's.
      if (!(error instanceof PermanentError) || error instanceof ConfigError) throw error;
      await repository.failMedia(media.id, error.message, contentSha256);
      deps.log.warn({ mediaId: media.id, postId: payload.postId, err: error }, 'image not read');
    }
  }
  const work = await repository.workOf(payload.postId);
  if (work === undefined || work.pendingMediaIds.length > 0) return [];
  return [analyzeJob(payload.scanRunId, work.postId, work.contentSha256)];
}
