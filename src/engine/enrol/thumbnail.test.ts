import { describe, expect, it } from 'vitest';
import { thumbnailBox } from './thumbnail';

describe('thumbnailBox', () => {
  it.each([
    {
      name: 'a face in the middle gets a square with margin around it',
      face: { x: 100, y: 100, width: 100, height: 100 },
      frame: [640, 480],
      want: { x: 80, y: 80, width: 140, height: 140 },
    },
    {
      name: 'a tall box becomes a square on its larger side',
      face: { x: 200, y: 100, width: 80, height: 120 },
      frame: [640, 480],
      want: { x: 156, y: 76, width: 168, height: 168 },
    },
    {
      name: 'a face at the corner is moved inside the frame',
      face: { x: 0, y: 0, width: 100, height: 100 },
      frame: [640, 480],
      want: { x: 0, y: 0, width: 140, height: 140 },
    },
    {
      name: 'a face at the far edge is moved inside the frame',
      face: { x: 560, y: 400, width: 80, height: 80 },
      frame: [640, 480],
      want: { x: 528, y: 368, width: 112, height: 112 },
    },
    {
      name: 'a face filling the photo is cut centred to the shorter side',
      face: { x: 0, y: 0, width: 250, height: 250 },
      frame: [250, 200],
      want: { x: 25, y: 0, width: 200, height: 200 },
    },
  ])('$name', ({ face, frame, want }) => {
    expect(thumbnailBox(face, frame[0]!, frame[1]!)).toEqual(want);
  });

  it('never leaves the frame, whatever the box', () => {
    for (let i = 0; i < 500; i++) {
      const width = 1 + Math.floor(Math.random() * 2000);
      const height = 1 + Math.floor(Math.random() * 2000);
      const face = {
        x: Math.random() * width * 1.2 - width * 0.1,
        y: Math.random() * height * 1.2 - height * 0.1,
        width: Math.random() * width,
        height: Math.random() * height,
      };
      const box = thumbnailBox(face, width, height);
      expect(box.width).toBe(box.height);
      expect(box.width).toBeGreaterThanOrEqual(1);
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.y).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(width);
      expect(box.y + box.height).toBeLessThanOrEqual(height);
    }
  });
});
