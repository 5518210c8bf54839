/** The category of a stream: its id up to the first '-' (`userpool-eu-west-1_x` → `userpool`). */
export const streamCategory = (streamId: string): string => {
  const dash = streamId.indexOf('-');
  return dash < 0 ? streamId : streamId.slice(0, dash);
};
