/** Test helper: driving GraphiQL in Chromium as a person does, pressing ▶ and picking an operation. */
import type { Page } from 'playwright-core';

/** Opens GraphiQL and waits until its editor is ready for ▶. */
export async function openGraphiQL(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('.graphiql-execute-button').waitFor();
  await page.locator('.graphiql-query-editor .monaco-editor').waitFor();
}

/**
 * Presses ▶, picks the example operation and returns the data the service answered, once the response pane shows
 * its `__typename` (the pane is an editor that draws lines in any DOM order, so it is searched, not parsed).
 */
export async function runExample(
  page: Page,
  url: string,
  operation: string,
  field: string,
): Promise<Record<string, unknown>> {
  const answered = page.waitForResponse((res) => {
    const body = res.request().postDataJSON() as { operationName?: string } | null;
    return res.url() === url && body?.operationName === operation;
  });
  await page.locator('.graphiql-execute-button').click();
  await page.getByRole('menuitem', { name: operation, exact: true }).click();
  const { data } = (await (await answered).json()) as { data: Record<string, Record<string, unknown>> };
  const result = data[field]!;
  await page
    .locator('.graphiql-response')
    .getByText(`"${String(result.__typename)}"`)
    .waitFor();
  return result;
}
