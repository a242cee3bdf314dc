/**
 * The certificate render pool (issue 15): PDFs rendered in worker threads are the in-process renderer's PDFs, renders
 * in flight at once each carry only their own person, and a failed render leaves the pool working.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { createCertificateRenderer } from '../../src/activities/certificate-renderer';
import { createCertificateRendererPool } from '../../src/activities/certificate-render-pool';
import type { ResidentRecordCopyInput } from '../../templates/resident-record-copy';
import { certificateInput, samplePerson } from '../support/certificate-fixtures';
import { compact, pdfBytesText } from '../support/pdf-text';

const pool = createCertificateRendererPool(2);
afterAll(() => pool.close());

const person = (i: number) => ({
  ...samplePerson,
  name: `桜田　${'一二三四五六七八'[i]}郎`,
  nameKana: 'サクラダ',
  residentRecordCode: `1234567890${i}`,
});
const copyOf = (i: number): ResidentRecordCopyInput =>
  certificateInput({ persons: [person(i)], householdHeadName: person(i).name, issueNumber: `R-POOL-${i}` });

describe('certificate render pool', () => {
  it('renders in its threads the text the in-process renderer renders', async () => {
    const [threaded, local] = await Promise.all([
      pool.renderResidentRecordCopy(copyOf(0)),
      createCertificateRenderer().renderResidentRecordCopy(copyOf(0)),
    ]);
    expect(threaded.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdfBytesText(threaded)).toBe(pdfBytesText(local));
  });

  it('eight renders in flight at once on two threads: each PDF names only its own person', async () => {
    const pdfs = await Promise.all(Array.from({ length: 8 }, (_, i) => pool.renderResidentRecordCopy(copyOf(i))));
    pdfs.forEach((pdf, i) => {
      const text = pdfBytesText(pdf);
      for (let j = 0; j < 8; j++) expect(text.includes(compact(person(j).name)), `copy ${i}, name ${j}`).toBe(i === j);
      expect(text).toContain(`R-POOL-${i}`);
    });
  });

  it('a render that fails is refused with the error name only, and the pool renders on', async () => {
    const bad = { ...copyOf(1), persons: null } as unknown as ResidentRecordCopyInput;
    const failure = await pool.renderResidentRecordCopy(bad).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(failure?.message).toMatch(/^certificate render failed in its thread \(\w+\)$/);
    expect(pdfBytesText(await pool.renderResidentRecordCopy(copyOf(2)))).toContain(compact(person(2).name));
  });
});
